//! `MemoryStore`: the in-memory backend (`memory:`), a `BTreeMap` that lives
//! as long as the value. For tests and for runs that need no durability.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::{Store, StoreError};

/// A store that keeps everything in memory and forgets it when dropped.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    map: BTreeMap<String, Vec<u8>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }
}

impl Store for MemoryStore {
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.map.get(key).cloned())
    }

    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.map.insert(key.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&mut self, key: &str) -> Result<bool, StoreError> {
        Ok(self.map.remove(key).is_some())
    }

    fn keys(&mut self, prefix: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .map
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(prefix))
            .cloned()
            .collect())
    }

    fn describe(&self) -> String {
        "memory:".to_owned()
    }
}
