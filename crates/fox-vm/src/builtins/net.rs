//! TCP client helpers (`_net_konek`, `_net_kirim`, `_net_terima`,
//! `_net_tutup`) behind the `net` permission. Every call has a timeout
//! ([`NET_TIMEOUT`]) and a receive returns at most [`NET_MAX_READ`] bytes,
//! so a program cannot block its worker forever or fill its memory from
//! the network.

use super::arg;
use crate::codes;
use crate::error::{RtError, RtResult};
use crate::object::Object;
use crate::resource::{Resource, TcpConn, NET_MAX_READ, NET_TIMEOUT};
use crate::value::{Gc, Value, V};
use crate::vm::Vm;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};

fn conn_arg(vm: &Vm, v: Value, who: &str) -> RtResult<Gc> {
    if let V::Obj(g) = v.unpack() {
        if matches!(vm.heap.get(g), Object::Resource(r) if matches!(**r, Resource::Tcp(_))) {
            return Ok(g);
        }
    }
    Err(codes::ARG_TYPE.err(format!(
        "{who}(): argumen 1 ('koneksi') harus koneksi, bukan {}",
        vm.type_label(v)
    )))
}

/// The open stream of a connection, or an error naming it.
fn stream<'a>(vm: &'a mut Vm, g: Gc, who: &str) -> RtResult<&'a mut TcpStream> {
    match vm.heap.get_mut(g) {
        Object::Resource(r) => match &mut **r {
            Resource::Tcp(TcpConn {
                stream: Some(s), ..
            }) => Ok(s),
            Resource::Tcp(c) if c.peer.is_empty() => {
                Err(codes::NET_IO.err(format!("{who}(): koneksi belum tersambung")))
            }
            Resource::Tcp(c) => {
                Err(codes::NET_IO.err(format!("{who}(): koneksi ke {} sudah tertutup", c.peer)))
            }
            Resource::File(_) | Resource::Hash(_) => {
                Err(RtError::Internal(format!("{who}: bukan koneksi")))
            }
        },
        _ => Err(RtError::Internal(format!("{who}: bukan koneksi"))),
    }
}

/// `_net_socket(keluarga, jenis)` (the original's intrinsic): a
/// connection not yet connected; `_net_konek(k, host, port)` connects it.
pub fn socket(vm: &mut Vm, _args: &[Value]) -> RtResult<Value> {
    let conn = Resource::Tcp(TcpConn {
        stream: None,
        peer: String::new(),
    });
    Ok(vm.alloc(Object::Resource(Box::new(conn))))
}

/// `_net_konek(host, port)`: a TCP connection. The original's form
/// `_net_konek(k, host, port)` connects a value from `_net_socket`,
/// returns `nil`, and fails with Python's socket message
/// (`[Errno 111] Connection refused`).
pub fn konek(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    if args.len() == 3 {
        let g = conn_arg(vm, args[0], "_net_konek")?;
        let (stream, peer) = connect(vm, args[1], args[2])?.map_err(|(_, e)| {
            let shown = e.to_string();
            codes::NET_IO.err(match e.raw_os_error() {
                Some(n) => format!(
                    "[Errno {n}] {}",
                    shown.split(" (os error").next().unwrap_or(&shown)
                ),
                None => shown,
            })
        })?;
        if let Object::Resource(r) = vm.heap.get_mut(g) {
            if let Resource::Tcp(t) = &mut **r {
                t.stream = Some(stream);
                t.peer = peer;
            }
        }
        return Ok(Value::Nil);
    }
    let (stream, peer) = connect(vm, arg(args, 0), arg(args, 1))?.map_err(|(peer, e)| {
        codes::NET_IO.err(format!(
            "Gagal menyambung ke '{peer}': {}",
            super::io::os_error_text(&e)
        ))
    })?;
    let conn = Resource::Tcp(TcpConn {
        stream: Some(stream),
        peer,
    });
    Ok(vm.alloc(Object::Resource(Box::new(conn))))
}

/// Connect to `host:port` behind the run's permissions. The outer error
/// is a refused permission or a bad argument; the inner one what the
/// operating system said (with the peer as the program wrote it).
fn connect(
    vm: &mut Vm,
    host: Value,
    port: Value,
) -> RtResult<Result<(TcpStream, String), (String, std::io::Error)>> {
    let host = match vm.str_ref(host) {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => return Err(codes::ARG_VALUE.err("_net_konek(): host harus teks yang tidak kosong")),
    };
    let port = match port.unpack() {
        V::Int(p) if (1..=65535).contains(&p) => p as u16,
        _ => return Err(codes::ARG_VALUE.err("_net_konek(): port harus angka 1..65535")),
    };
    vm.permit_net(&host, port)?;
    let peer = crate::permissions::net_target(&host, port);
    // `[::1]` is how an IPv6 address is written beside a port; the resolver
    // wants it bare.
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(&host);
    let addrs: Vec<_> = match (bare, port).to_socket_addrs() {
        Ok(a) => a.collect(),
        Err(e) => return Ok(Err((peer, e))),
    };
    for a in &addrs {
        vm.permit_net_addr(&host, port, a)?;
    }
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "alamat tidak ditemukan");
    for a in addrs {
        match TcpStream::connect_timeout(&a, NET_TIMEOUT) {
            Ok(s) => {
                let timeouts = s
                    .set_read_timeout(Some(NET_TIMEOUT))
                    .and_then(|()| s.set_write_timeout(Some(NET_TIMEOUT)));
                return Ok(match timeouts {
                    Ok(()) => Ok((s, peer)),
                    Err(e) => Err((peer, e)),
                });
            }
            Err(e) => last = e,
        }
    }
    Ok(Err((peer, last)))
}

/// Send all of `data`: a text (as UTF-8), bytes, or anything else as its
/// text.
pub fn kirim_data(vm: &mut Vm, conn: Value, data: Value, who: &str) -> RtResult<()> {
    let g = conn_arg(vm, conn, who)?;
    let bytes = match vm.bytes_ref(data) {
        Some(b) => b.to_vec(),
        None => vm.str_of(data)?.into_bytes(),
    };
    stream(vm, g, who)?
        .write_all(&bytes)
        .map_err(|e| codes::NET_IO.err(format!("{who}(): {}", super::io::os_error_text(&e))))
}

/// `_net_kirim(koneksi, teks)`: send all of a text (UTF-8) or bytes.
pub fn kirim(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    kirim_data(vm, arg(args, 0), arg(args, 1), "_net_kirim")?;
    Ok(Value::Bool(true))
}

/// Receive up to `n` bytes (4096 when `n` is nil; at most
/// [`NET_MAX_READ`]); empty when the peer has closed.
pub fn terima_bytes(vm: &mut Vm, conn: Value, n: Value, who: &str) -> RtResult<Vec<u8>> {
    let g = conn_arg(vm, conn, who)?;
    let n = match n.unpack() {
        V::Nil => 4096,
        V::Int(n) if n > 0 => (n as usize).min(NET_MAX_READ),
        _ => return Err(codes::ARG_VALUE.err(format!("{who}(): n harus angka positif"))),
    };
    let mut buf = vec![0u8; n];
    let got = stream(vm, g, who)?
        .read(&mut buf)
        .map_err(|e| codes::NET_IO.err(format!("{who}(): {}", super::io::os_error_text(&e))))?;
    buf.truncate(got);
    Ok(buf)
}

/// `_net_terima(koneksi, n)`: up to `n` bytes (default 4096) as text
/// (invalid UTF-8 replaced); `""` when the peer has closed.
pub fn terima(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let buf = terima_bytes(vm, arg(args, 0), arg(args, 1), "_net_terima")?;
    Ok(vm.new_string(String::from_utf8_lossy(&buf).into_owned()))
}

/// Close a connection (closing twice, or something else, does nothing).
pub fn close(vm: &mut Vm, g: crate::value::Gc) {
    if let Object::Resource(r) = vm.heap.get_mut(g) {
        if let Resource::Tcp(c) = &mut **r {
            c.stream = None;
        }
    }
}

/// `_net_tutup(koneksi)`: close it (closing twice is fine).
pub fn tutup(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = conn_arg(vm, arg(args, 0), "_net_tutup")?;
    close(vm, g);
    Ok(Value::Nil)
}
