//! `alur(nama, langkah, masukan)`: pipelines whose steps run in isolation.
//!
//! Calling `alur` records "process 0" — every module's globals at that
//! moment — in a `Pipeline` object. Before each step the globals are reset
//! to a deep copy of process 0, so nothing a step does to global state is
//! visible to the next; afterwards (success or failure) the original
//! globals are put back. Step *n* receives step *n−1*'s result; each result
//! is remembered in the store under `alur/<nama>/<n>` until the whole
//! pipeline has succeeded, so running the same pipeline again skips the
//! finished steps. A step runs as an ordinary frame marked
//! `FrameKind::Pipeline`: returning from it continues the pipeline, and an
//! error escaping it writes a ticket (see `raise`), all without recursion
//! on the Rust stack.

use crate::codes;
use crate::error::{RtError, RtResult};
use crate::object::{Object, Pipeline};
use crate::value::{Gc, Value, V};
use crate::vm::{FrameKind, Vm};
use std::rc::Rc;

/// The store key of a finished step's result.
pub fn step_key(name: &str, step: u32) -> String {
    format!("alur/{name}/{step}")
}

fn store_err(name: &str, e: String) -> RtError {
    codes::STORE_IO.err(format!("alur '{name}': penyimpanan gagal: {e}"))
}

impl Vm {
    fn pipeline(&self, pg: Gc) -> RtResult<&Pipeline> {
        match self.heap.get(pg) {
            Object::Pipeline(p) => Ok(p),
            _ => Err(RtError::Internal("not a pipeline".into())),
        }
    }

    fn pipeline_mut(&mut self, pg: Gc) -> RtResult<&mut Pipeline> {
        match self.heap.get_mut(pg) {
            Object::Pipeline(p) => Ok(p),
            _ => Err(RtError::Internal("not a pipeline".into())),
        }
    }

    /// `alur(nama, langkah, masukan)` called with the callee in
    /// `stack[fbase]`; the result goes to `stack[fbase]`.
    pub(crate) fn start_pipeline(&mut self, fbase: usize, argc: usize) -> RtResult<Option<Value>> {
        if let Some(def) = crate::builtins::NATIVES.iter().find(|n| n.name == "alur") {
            self.check_args(
                None,
                "alur",
                def.params,
                &self.stack[fbase + 1..fbase + 1 + argc],
            )?;
        }
        let name_v = self.stack[fbase + 1];
        let steps_v = self.stack[fbase + 2];
        let input = if argc == 3 {
            self.stack[fbase + 3]
        } else {
            Value::Nil
        };
        let name: Rc<str> = match name_v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::Str(t) if !t.is_empty() => t.text.clone(),
                _ => return Err(codes::ARG_VALUE.err("alur(): nama harus teks yang tidak kosong")),
            },
            _ => return Err(codes::ARG_VALUE.err("alur(): nama harus teks yang tidak kosong")),
        };
        let steps: Vec<Value> = match steps_v.unpack() {
            V::Obj(g) => match self.heap.get(g) {
                Object::List(items) => items.clone(),
                _ => return Err(codes::ARG_TYPE.err("alur(): langkah harus daftar fungsi")),
            },
            _ => return Err(codes::ARG_TYPE.err("alur(): langkah harus daftar fungsi")),
        };
        for (i, s) in steps.iter().enumerate() {
            let ok = match s.unpack() {
                V::Native(_) => !s.same(self.alur_value),
                V::Obj(g) => matches!(
                    self.heap.get(g),
                    Object::Closure(_) | Object::BoundMethod(_)
                ),
                _ => false,
            };
            if !ok {
                return Err(codes::ARG_TYPE.err(format!(
                    "alur '{name}': langkah {} bukan fungsi ({})",
                    i + 1,
                    self.type_label(*s)
                )));
            }
        }
        let mut originals = Vec::new();
        let mut lens = Vec::with_capacity(self.modules.len());
        for m in &self.modules {
            originals.extend_from_slice(&m.globals);
            lens.push(m.globals.len() as u32);
        }
        let p = self.alloc(Object::Pipeline(Box::new(Pipeline {
            name,
            steps,
            next: 0,
            input,
            originals,
            lens,
        })));
        let Some(pg) = p.as_obj() else {
            return Err(RtError::Internal("pipeline allocation".into()));
        };
        self.pipeline_next(pg, fbase)
    }

    /// Run the pipeline from its `next` step: skip steps whose result is
    /// stored, run natives inline, push the first closure step as a frame.
    /// `Some(result)` when the pipeline finished. A failure here (a builtin
    /// step, the store, calling the next step) happens outside any step
    /// frame, at the `alur` call: the globals are put back now and the
    /// error is marked as the pipeline's, so it still gets its ticket — and
    /// resuming that ticket runs `alur` again, which skips the finished
    /// steps.
    #[inline(never)]
    fn pipeline_next(&mut self, pg: Gc, ret: usize) -> RtResult<Option<Value>> {
        let r = self.pipeline_advance(pg, ret);
        if r.is_err() {
            self.pipeline_restore(pg);
            self.failed_pipeline = Some(pg);
        }
        r
    }

    fn pipeline_advance(&mut self, pg: Gc, ret: usize) -> RtResult<Option<Value>> {
        loop {
            let p = self.pipeline(pg)?;
            let (name, next) = (p.name.clone(), p.next);
            let Some(step) = p.steps.get(next as usize).copied() else {
                return self.pipeline_finish(pg).map(Some);
            };
            let stored = self
                .host
                .store_get(&step_key(&name, next))
                .map_err(|e| store_err(&name, e))?;
            if stored.is_some() {
                // Finished in an earlier run.
                self.pipeline_mut(pg)?.next += 1;
                continue;
            }
            let input = self.pipeline_reset(pg)?;
            let base = self.entry_base();
            self.ensure_stack(base + 3)?;
            self.stack[base] = step;
            self.stack[base + 1] = input;
            let depth = self.frames.len();
            match self.call_value(base, 1)? {
                Some(v) => self.pipeline_record(pg, v)?,
                None => {
                    let pushed_one = depth + 1 == self.frames.len();
                    match self.frames.last_mut() {
                        Some(f) if pushed_one && f.kind == FrameKind::Normal => {
                            f.kind = FrameKind::Pipeline(pg);
                            f.ret = ret as u32;
                        }
                        _ => {
                            return Err(codes::ARG_TYPE.err(format!(
                                "alur '{name}': langkah {} harus fungsi biasa",
                                next + 1
                            )))
                        }
                    }
                    return Ok(None);
                }
            }
        }
    }

    /// The stored result of step `step`, loaded into the current globals'
    /// world (classes and functions bind to the module globals of the same
    /// name, as if it came from another process).
    fn pipeline_load(&mut self, pg: Gc, step: u32) -> RtResult<Value> {
        let name = self.pipeline(pg)?.name.clone();
        let bytes = self
            .host
            .store_get(&step_key(&name, step))
            .map_err(|e| store_err(&name, e))?
            .ok_or_else(|| {
                codes::STORE_IO.err(format!(
                    "alur '{name}': hasil langkah {} hilang dari penyimpanan",
                    step + 1
                ))
            })?;
        self.decode_value(&bytes).map_err(|e| match e {
            crate::snapshot::SnapshotError::Memory(m) => m.into(),
            e => codes::STORE_IO.err(format!(
                "alur '{name}': hasil langkah {} yang tersimpan tidak bisa dibaca: {e}",
                step + 1
            )),
        })
    }

    /// A step frame returned `v`: remember it and go on.
    #[cold]
    #[inline(never)]
    pub(crate) fn pipeline_step_done(
        &mut self,
        pg: Gc,
        v: Value,
        ret: usize,
    ) -> RtResult<Option<Value>> {
        if let Err(e) = self.pipeline_record(pg, v) {
            self.pipeline_restore(pg);
            self.failed_pipeline = Some(pg);
            return Err(e);
        }
        self.pipeline_next(pg, ret)
    }

    fn pipeline_record(&mut self, pg: Gc, v: Value) -> RtResult<()> {
        let (name, next) = {
            let p = self.pipeline(pg)?;
            (p.name.clone(), p.next)
        };
        let bytes = self.encode_value(v);
        self.host
            .store_put(&step_key(&name, next), &bytes)
            .map_err(|e| store_err(&name, e))?;
        self.pipeline_mut(pg)?.next += 1;
        Ok(())
    }

    /// Every step succeeded: forget the stored results, put the original
    /// globals back, and return the last result.
    fn pipeline_finish(&mut self, pg: Gc) -> RtResult<Value> {
        let (name, n, input) = {
            let p = self.pipeline(pg)?;
            (p.name.clone(), p.steps.len() as u32, p.input)
        };
        self.pipeline_restore(pg);
        // Loaded after the originals are back, so the result refers to the
        // caller's classes and functions.
        let result = match n {
            0 => input,
            n => self.pipeline_load(pg, n - 1)?,
        };
        for i in 0..n {
            self.host
                .store_delete(&step_key(&name, i))
                .map_err(|e| store_err(&name, e))?;
        }
        Ok(result)
    }

    /// Globals := a fresh deep copy of process 0. Returns the step's
    /// input in that world: the first step's `masukan` copied in the same
    /// graph as the globals (so sharing between them survives), a later
    /// step's the previous result loaded from the store.
    fn pipeline_reset(&mut self, pg: Gc) -> RtResult<Value> {
        let (mut roots, lens, next, input) = {
            let p = self.pipeline(pg)?;
            (p.originals.clone(), p.lens.clone(), p.next, p.input)
        };
        roots.push(input);
        let mut copies = self.copy_values(&roots).map_err(|e| match e {
            crate::snapshot::SnapshotError::Memory(m) => m.into(),
            e => RtError::Internal(format!("pipeline reset: {e}")),
        })?;
        let first_input = copies.pop().unwrap_or(Value::Nil);
        self.install_globals(&copies, &lens);
        match next {
            0 => Ok(first_input),
            n => self.pipeline_load(pg, n - 1),
        }
    }

    /// Globals := process 0 itself (when the pipeline ends either way).
    pub(crate) fn pipeline_restore(&mut self, pg: Gc) {
        let (originals, lens) = match self.heap.get(pg) {
            Object::Pipeline(p) => (p.originals.clone(), p.lens.clone()),
            _ => return,
        };
        self.install_globals(&originals, &lens);
    }

    fn install_globals(&mut self, values: &[Value], lens: &[u32]) {
        let mut at = 0usize;
        for (m, len) in lens.iter().enumerate() {
            let len = *len as usize;
            if let (Some(rt), Some(src)) = (self.modules.get_mut(m), values.get(at..at + len)) {
                let n = len.min(rt.globals.len());
                rt.globals[..n].copy_from_slice(&src[..n]);
            }
            at += len;
        }
        // Modules first loaded after process 0 are forgotten: importing
        // them again runs their body afresh.
        let known = lens.len() as u32;
        self.module_cache.retain(|_, id| *id < known);
        self.epoch = self.epoch.wrapping_add(1).max(1);
    }

    /// The pipeline a ticket should name, with its 1-based step.
    pub(crate) fn pipeline_info(&self, pg: Gc) -> Option<crate::snapshot::PipelineInfo> {
        match self.heap.get(pg) {
            Object::Pipeline(p) => Some(crate::snapshot::PipelineInfo {
                name: p.name.to_string(),
                step: p.next + 1,
                steps: p.steps.len() as u32,
            }),
            _ => None,
        }
    }
}
