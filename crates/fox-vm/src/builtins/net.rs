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
            Resource::Tcp(c) => {
                Err(codes::NET_IO.err(format!("{who}(): koneksi ke {} sudah tertutup", c.peer)))
            }
        },
        _ => Err(RtError::Internal(format!("{who}: bukan koneksi"))),
    }
}

/// `_net_konek(host, port)`: a TCP connection.
pub fn konek(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let host = match vm.str_ref(arg(args, 0)) {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => return Err(codes::ARG_VALUE.err("_net_konek(): host harus teks yang tidak kosong")),
    };
    let port = match arg(args, 1).unpack() {
        V::Int(p) if (1..=65535).contains(&p) => p as u16,
        _ => return Err(codes::ARG_VALUE.err("_net_konek(): port harus angka 1..65535")),
    };
    vm.permit_net(&host, port)?;
    let peer = crate::permissions::net_target(&host, port);
    let fail = |e: std::io::Error| {
        codes::NET_IO.err(format!(
            "Gagal menyambung ke '{peer}': {}",
            super::io::os_error_text(&e)
        ))
    };
    // `[::1]` is how an IPv6 address is written beside a port; the resolver
    // wants it bare.
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(&host);
    let addrs: Vec<_> = (bare, port).to_socket_addrs().map_err(fail)?.collect();
    for a in &addrs {
        vm.permit_net_addr(&host, port, a)?;
    }
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "alamat tidak ditemukan");
    let mut found = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, NET_TIMEOUT) {
            Ok(s) => {
                found = Some(s);
                break;
            }
            Err(e) => last = e,
        }
    }
    let s = found.ok_or_else(|| fail(last))?;
    s.set_read_timeout(Some(NET_TIMEOUT)).map_err(fail)?;
    s.set_write_timeout(Some(NET_TIMEOUT)).map_err(fail)?;
    let conn = Resource::Tcp(TcpConn {
        stream: Some(s),
        peer,
    });
    Ok(vm.alloc(Object::Resource(Box::new(conn))))
}

/// `_net_kirim(koneksi, teks)`: send all of a text (UTF-8).
pub fn kirim(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = conn_arg(vm, arg(args, 0), "_net_kirim")?;
    let data = vm.str_of(arg(args, 1))?;
    stream(vm, g, "_net_kirim")?
        .write_all(data.as_bytes())
        .map_err(|e| {
            codes::NET_IO.err(format!("_net_kirim(): {}", super::io::os_error_text(&e)))
        })?;
    Ok(Value::Bool(true))
}

/// `_net_terima(koneksi, n)`: up to `n` bytes (default 4096) as text
/// (invalid UTF-8 replaced); `""` when the peer has closed.
pub fn terima(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = conn_arg(vm, arg(args, 0), "_net_terima")?;
    let n = match arg(args, 1).unpack() {
        V::Nil => 4096,
        V::Int(n) if n > 0 => (n as usize).min(NET_MAX_READ),
        _ => return Err(codes::ARG_VALUE.err("_net_terima(): n harus angka positif")),
    };
    let mut buf = vec![0u8; n];
    let got = stream(vm, g, "_net_terima")?.read(&mut buf).map_err(|e| {
        codes::NET_IO.err(format!("_net_terima(): {}", super::io::os_error_text(&e)))
    })?;
    buf.truncate(got);
    Ok(vm.new_string(String::from_utf8_lossy(&buf).into_owned()))
}

/// `_net_tutup(koneksi)`: close it (closing twice is fine).
pub fn tutup(vm: &mut Vm, args: &[Value]) -> RtResult<Value> {
    let g = conn_arg(vm, arg(args, 0), "_net_tutup")?;
    if let Object::Resource(r) = vm.heap.get_mut(g) {
        let Resource::Tcp(c) = &mut **r;
        c.stream = None;
    }
    Ok(Value::Nil)
}
