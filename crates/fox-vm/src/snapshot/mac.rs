//! Ticket signatures: HMAC-SHA256 over a ticket's envelope with a secret
//! key the embedder supplies (the CLI keeps one beside the store). A ticket
//! is code plus state, so a loader with a key runs only tickets signed with
//! that key; the key's id (the first 8 bytes of its SHA-256) travels with
//! the ticket so a refusal can say which key would be needed.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::fmt;

/// Bytes a signature adds after the payload: key id, then the MAC.
pub const TRAILER: usize = 8 + 32;
/// The shortest key accepted.
pub const MIN_KEY: usize = 16;

/// A secret ticket key.
#[derive(Clone)]
pub struct TicketKey {
    /// HMAC keyed with the secret, cloned for each use.
    keyed: Hmac<Sha256>,
    id: [u8; 8],
}

impl fmt::Debug for TicketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret itself.
        write!(f, "TicketKey({})", self.id_hex())
    }
}

impl TicketKey {
    /// A key from secret bytes (at least [`MIN_KEY`] of them).
    pub fn new(secret: &[u8]) -> Result<TicketKey, String> {
        if secret.len() < MIN_KEY {
            return Err(format!(
                "kunci tiket terlalu pendek ({} byte; paling sedikit {MIN_KEY})",
                secret.len()
            ));
        }
        let digest = Sha256::digest(secret);
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
            .map_err(|e| format!("kunci tiket: {e}"))?;
        Ok(TicketKey { keyed, id })
    }

    pub fn id(&self) -> [u8; 8] {
        self.id
    }

    /// The key's id as 16 hex digits (safe to show: it reveals nothing of
    /// the secret).
    pub fn id_hex(&self) -> String {
        hex(&self.id)
    }

    fn mac(&self) -> Hmac<Sha256> {
        self.keyed.clone()
    }

    /// The signature trailer of `signed` (everything before it).
    pub fn sign(&self, signed: &[u8]) -> [u8; TRAILER] {
        let mut m = self.mac();
        m.update(signed);
        m.update(&self.id);
        let tag = m.finalize().into_bytes();
        let mut out = [0u8; TRAILER];
        out[..8].copy_from_slice(&self.id);
        out[8..].copy_from_slice(&tag);
        out
    }

    /// Does `trailer` sign `signed` with this key? (Constant-time compare.)
    pub fn verify(&self, signed: &[u8], trailer: &[u8]) -> bool {
        if trailer.len() != TRAILER || trailer[..8] != self.id {
            return false;
        }
        let mut m = self.mac();
        m.update(signed);
        m.update(&self.id);
        m.verify_slice(&trailer[8..]).is_ok()
    }
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies() {
        let k = TicketKey::new(b"0123456789abcdef0123").unwrap_or_else(|e| panic!("{e}"));
        let other = TicketKey::new(b"fedcba9876543210fedc").unwrap_or_else(|e| panic!("{e}"));
        let t = k.sign(b"hello");
        assert!(k.verify(b"hello", &t));
        assert!(!k.verify(b"hellp", &t));
        assert!(!other.verify(b"hello", &t));
        let mut bad = t;
        bad[20] ^= 1;
        assert!(!k.verify(b"hello", &bad));
        assert!(TicketKey::new(b"short").is_err());
        assert_eq!(k.id_hex().len(), 16);
        assert!(!format!("{k:?}").contains("0123456789"));
    }
}
