//! Methods of the values host modules return: bytes (`decode`, `hex`),
//! open files (`read`, `write`, `close`, `readline`, `readlines`) and
//! `hashlib` hashes (`update`, `hexdigest`, `digest`), with Python's
//! results.

use super::arg;
use crate::codes;
use crate::error::RtResult;
use crate::hostmod::{files, pymisc};
use crate::object::Object;
use crate::resource::Resource;
use crate::value::{Gc, Value};
use crate::vm::Vm;

impl Vm {
    pub(super) fn bytes_method(&mut self, g: Gc, name: &str, args: &[Value]) -> RtResult<Value> {
        let Object::Bytes(data) = self.heap.get(g) else {
            return Ok(Value::Nil);
        };
        let data = data.to_vec();
        match name {
            "decode" => {
                let enc = self.str_ref(arg(args, 0)).unwrap_or("utf-8").to_string();
                let s = pymisc::decode(&data, &enc)
                    .map_err(|e| codes::ARG_VALUE.err(format!("decode(): {e}")))?;
                Ok(self.new_string(s))
            }
            _ => {
                let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
                Ok(self.new_string(hex))
            }
        }
    }

    pub(super) fn resource_method(&mut self, g: Gc, name: &str, args: &[Value]) -> RtResult<Value> {
        let Object::Resource(r) = self.heap.get(g) else {
            return Ok(Value::Nil);
        };
        match &**r {
            Resource::File(_) => match name {
                "read" => files::read(self, g, arg(args, 0), "read"),
                "write" => files::write(self, g, arg(args, 0), "write", false),
                "readline" => self.read_line(g),
                "readlines" => {
                    let mut lines = Vec::new();
                    loop {
                        let line = self.read_line(g)?;
                        if self.str_ref(line).is_some_and(str::is_empty)
                            || self.bytes_ref(line).is_some_and(<[u8]>::is_empty)
                        {
                            break;
                        }
                        lines.push(line);
                        self.check_list(lines.len())?;
                    }
                    Ok(self.new_list(lines))
                }
                _ => {
                    files::close(self, g);
                    Ok(Value::Nil)
                }
            },
            Resource::Hash(h) => match name {
                "update" => {
                    let more = pymisc::hash_input(self, arg(args, 0), "update")?;
                    if let Object::Resource(r) = self.heap.get_mut(g) {
                        if let Resource::Hash(h) = &mut **r {
                            h.data.extend_from_slice(&more);
                        }
                    }
                    self.heap.charge(more.len());
                    Ok(Value::Nil)
                }
                _ => {
                    let d = pymisc::digest(h.algo, &h.data);
                    if name == "digest" {
                        self.new_bytes(d)
                    } else {
                        let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
                        Ok(self.new_string(hex))
                    }
                }
            },
            Resource::Tcp(_) => {
                Err(codes::ATTR_MISSING.err(format!("Koneksi tidak punya metode '{name}'")))
            }
        }
    }

    /// One line (with its `\n`), `""` (or `b''`) at the end of the file.
    fn read_line(&mut self, g: Gc) -> RtResult<Value> {
        let mut line = Vec::new();
        loop {
            let one = files::read(self, g, Value::Int(1), "readline")?;
            let piece: Vec<u8> = match self.bytes_ref(one) {
                Some(b) => b.to_vec(),
                None => self.str_ref(one).unwrap_or("").as_bytes().to_vec(),
            };
            if piece.is_empty() {
                break;
            }
            line.extend_from_slice(&piece);
            self.check_text(line.len())?;
            if piece == b"\n" {
                break;
            }
        }
        let binary = matches!(self.heap.get(g), Object::Resource(r) if matches!(&**r, Resource::File(f) if f.binary));
        if binary {
            self.new_bytes(line)
        } else {
            Ok(self.new_string(String::from_utf8_lossy(&line).into_owned()))
        }
    }
}
