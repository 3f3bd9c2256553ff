//! The durable-execution commands and options: `--store` / `--tiket` for
//! `fox run`, `fox resume TICKET.z` and `fox tiket show TICKET.z`.
//! Defaults follow the program: the store is `.fox/store.db` and tickets go
//! to `.fox/tiket/`, both beside the program file.

use crate::host::StdHost;
use crate::ticket_key::{self, KeySource};
use fox_store::StoreSpec;
use fox_vm::snapshot::{read_ticket_info, ticket_signer, TicketInfo, TicketReason};
use fox_vm::{Config, Uncaught, Vm, VmError};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct DurableOpts {
    /// Durable store for ingat/kenang/lupakan and pipelines: `sqlite:PATH`
    /// or `memory:` (default: sqlite:.fox/store.db beside the program).
    #[arg(long, value_name = "SPEC")]
    pub store: Option<String>,
    /// Directory for `.z` tickets. `run`: write a ticket when the run fails
    /// (pipeline steps always write one; default .fox/tiket beside the
    /// program). `resume`: where a new ticket goes if the run fails again
    /// (default: beside the resumed ticket).
    #[arg(long, value_name = "DIR")]
    pub tiket: Option<PathBuf>,
    /// The key tickets are signed with and checked against (default:
    /// $FOX_TICKET_KEY, else ticket.key beside the store, created on first
    /// use).
    #[arg(long, value_name = "FILE")]
    pub ticket_key: Option<PathBuf>,
}

/// The directory a program lives in (empty, i.e. the working directory,
/// for a bare file name).
fn program_dir(program: &str) -> PathBuf {
    Path::new(program)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Where the ticket key for a run of `program` with these options comes
/// from.
pub fn key_source(program: &str, opts: &DurableOpts) -> Result<KeySource, String> {
    let dir = program_dir(program);
    let spec = store_spec(&dir, opts)?;
    Ok(KeySource {
        explicit: opts.ticket_key.clone(),
        default: ticket_key::default_path(&spec, &dir),
    })
}

/// The store the options choose (SQLite paths made absolute).
fn store_spec(dir: &Path, opts: &DurableOpts) -> Result<StoreSpec, String> {
    let spec = match &opts.store {
        Some(s) => StoreSpec::parse(s).map_err(|e| format!("fox: --store: {e}"))?,
        None => StoreSpec::Sqlite(fox_store::default_path(dir)),
    };
    // Recorded in tickets: a resume from another directory must find it.
    Ok(match spec {
        StoreSpec::Sqlite(p) => StoreSpec::Sqlite(std::path::absolute(&p).unwrap_or(p)),
        other => other,
    })
}

/// A host wired to the store, ticket directory and ticket key the options
/// choose, and the store's description (absolute, for tickets).
pub fn host(
    program: &str,
    opts: &DurableOpts,
    seed: Option<u64>,
) -> Result<(StdHost, String), String> {
    let dir = program_dir(program);
    let spec = store_spec(&dir, opts)?;
    let keys = key_source(program, opts)?;
    let described = without_password(&spec.to_string());
    let tickets = opts
        .tiket
        .clone()
        .unwrap_or_else(|| dir.join(".fox").join("tiket"));
    let host = StdHost::new(false)
        .with_store(spec)
        .with_ticket_dir(tickets)
        .with_ticket_key(keys)
        .with_seed(seed);
    Ok((host, described))
}

/// A store description fit for a ticket file: a URL's password removed
/// (a resume gets it from `--store` or the environment, e.g. `PGPASSWORD`).
fn without_password(spec: &str) -> String {
    let Some((scheme, rest)) = spec.split_once("://") else {
        return spec.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!("{scheme}://{}{}", &rest[..colon], &rest[at..]),
            None => spec.to_string(),
        },
        None => spec.to_string(),
    }
}

/// After a run stopped: when the budget ran out and tickets are on, freeze
/// the paused VM into a ticket.
pub fn budget_ticket(vm: &mut Vm, err: &mut Option<VmError>) -> Option<Result<String, String>> {
    let Some(VmError::Budget(n)) = err else {
        return None;
    };
    if !vm.ticket_on_error {
        return None;
    }
    let report = Uncaught {
        jenis: "BatasInstruksi".into(),
        kode: Some(fox_vm::codes::INSTRUCTION_BUDGET.code.into()),
        pesan: format!("batas instruksi ({n}) terlampaui"),
        traceback: vm.traceback(),
        ticket: None,
    };
    Some(vm.save_ticket(TicketReason::Budget, &report, true))
}

/// Read a ticket file and its summary; on failure the message is printed
/// and the exit status returned (2 unreadable, 1 not a valid ticket).
fn load(ticket: &str) -> Result<(Vec<u8>, TicketInfo), u8> {
    let bytes = std::fs::read(ticket).map_err(|e| {
        eprintln!("fox: tidak bisa membaca tiket '{ticket}': {e}");
        2
    })?;
    let info = read_ticket_info(&bytes).map_err(|e| {
        eprintln!("fox: {ticket}: {e}");
        1
    })?;
    Ok((bytes, info))
}

/// `fox resume TICKET.z`: continue a frozen run at its failing instruction.
/// A run that finishes consumes the ticket (deleted unless `keep`); one
/// that fails again leaves a new ticket (one more attempt) in its place.
pub fn resume(
    ticket: &str,
    opts: &DurableOpts,
    grants: &crate::grants::PermissionOpts,
    mut config: Config,
    keep: bool,
) -> u8 {
    let (bytes, info) = match load(ticket) {
        Ok(t) => t,
        Err(code) => return code,
    };
    // The frozen run's grants, unless flags say otherwise; wider ones are
    // said out loud (a ticket may come from a more careful run).
    config.permissions = if grants.any() {
        match grants.resolve(&info.permissions) {
            Ok(mut p) => {
                let wider = p.widens(&info.permissions);
                if !wider.is_empty() {
                    eprintln!(
                        "fox: peringatan: izin lebih luas dari tiket ({}): tiket {}, sekarang {}",
                        wider.join(", "),
                        info.permissions,
                        p
                    );
                }
                p.import_roots = info.permissions.import_roots.clone();
                p
            }
            Err(m) => {
                eprintln!("{m}");
                return 2;
            }
        }
    } else {
        info.permissions.clone()
    };
    let mut opts = opts.clone();
    if opts.tiket.is_none() {
        // New tickets go where this one is.
        opts.tiket = Some(program_dir(ticket));
    }
    if opts.store.is_none() && !info.store.is_empty() {
        // The store the frozen run was using.
        opts.store = Some(info.store.clone());
    }
    // Defaults follow the program where it was run, wherever we are now.
    let program = if Path::new(&info.program_path).is_absolute() {
        &info.program_path
    } else {
        &info.program
    };
    // The seed does not matter: the frozen run's generator state goes on.
    let (host, store) = match host(program, &opts, None) {
        Ok(h) => h,
        Err(m) => {
            eprintln!("{m}");
            return 2;
        }
    };
    // Only a ticket signed with this run's key runs.
    config.ticket_key = match key_source(program, &opts).and_then(|k| k.load()) {
        Ok(k) => Some(k),
        Err(m) => {
            eprintln!("{m}");
            return 2;
        }
    };
    let (mut vm, _) = match Vm::from_ticket(&bytes, config, Box::new(host)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("fox: {ticket}: {e}");
            return 1;
        }
    };
    crate::tiering::install(&mut vm);
    vm.store_spec = store;
    // A retry that fails again must not lose its state.
    vm.ticket_on_error = true;
    let mut err = vm.drive().err();
    let budget = budget_ticket(&mut vm, &mut err);
    vm.flush();
    let new_ticket = match &err {
        Some(VmError::Uncaught(u)) => u.ticket.clone(),
        _ => budget.clone(),
    };
    let superseded = matches!(new_ticket, Some(Ok(_)));
    // Finished (also by `keluar`): the ticket is consumed.
    let finished = matches!(err, None | Some(VmError::Exit(_)));
    if (finished || superseded) && !keep {
        if let Err(e) = std::fs::remove_file(ticket) {
            eprintln!("fox: tiket '{ticket}' tidak bisa dihapus: {e}");
        }
    }
    if let (Some(Ok(path)), Some(VmError::Budget(_))) = (&budget, &err) {
        eprintln!("tiket: {path}\n  (lanjutkan dengan: fox resume {path})");
    }
    crate::finish(err)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc(secs: f64) -> String {
    let s = if secs.is_finite() && secs > 0.0 {
        secs as i64
    } else {
        0
    };
    let (days, rem) = (s.div_euclid(86_400), s.rem_euclid(86_400));
    let (y, m, d) = fox_vm::hostmod::pyos::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn summary(path: &str, size: usize, i: &TicketInfo, signer: Option<&str>) -> String {
    let mut out = String::new();
    let reason = match i.reason {
        TicketReason::Error => "galat",
        TicketReason::Budget => "batas instruksi habis",
    };
    out.push_str(&format!("tiket      {path} ({size} byte)\n"));
    out.push_str(&format!("nama       {}\n", i.name));
    out.push_str(&format!("program    {}\n", i.program));
    if !i.store.is_empty() {
        out.push_str(&format!("store      {}\n", i.store));
    }
    out.push_str(&format!("alasan     {reason}\n"));
    out.push_str(&format!("galat      {}: {}\n", i.jenis, i.pesan));
    if let Some(t) = i.traceback.last() {
        out.push_str(&format!(
            "lokasi     {}:{}:{} di {}\n",
            t.file, t.line, t.col, t.function
        ));
    }
    if let Some(p) = &i.pipeline {
        out.push_str(&format!(
            "alur       {} (langkah {} dari {})\n",
            p.name, p.step, p.steps
        ));
    }
    out.push_str(&format!("percobaan  {}\n", i.attempts));
    out.push_str(&format!("dibuat     {}\n", utc(i.created)));
    out.push_str(&format!(
        "masukan    {} baris sudah dibaca\n",
        i.input_lines
    ));
    out.push_str(&format!("fox        {}\n", i.fox_version));
    out.push_str(&format!("izin       {}\n", i.permissions));
    match signer {
        Some(id) => out.push_str(&format!("tanda      kunci {id}\n")),
        None => out.push_str("tanda      tidak bertanda tangan\n"),
    }
    if !i.traceback.is_empty() {
        out.push_str("jejak (panggilan terdalam terakhir):\n");
        for t in &i.traceback {
            out.push_str(&format!(
                "  {}:{}:{} di {}\n",
                t.file, t.line, t.col, t.function
            ));
        }
    }
    out
}

/// `fox tiket show TICKET.z [--json]`.
pub fn show(ticket: &str, json: bool) -> u8 {
    let (bytes, info) = match load(ticket) {
        Ok(t) => t,
        Err(code) => return code,
    };
    if json {
        let mut v = match serde_json::to_value(&info) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("fox: {ticket}: {e}");
                return 1;
            }
        };
        if let Some(obj) = v.as_object_mut() {
            obj.insert("path".into(), ticket.into());
            obj.insert("size".into(), bytes.len().into());
            obj.insert("created_utc".into(), utc(info.created).into());
            obj.insert("signed_by".into(), ticket_signer(&bytes).into());
        }
        match serde_json::to_string_pretty(&v) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("fox: {ticket}: {e}");
                return 1;
            }
        }
    } else {
        let signer = ticket_signer(&bytes);
        print!("{}", summary(ticket, bytes.len(), &info, signer.as_deref()));
    }
    0
}

#[cfg(test)]
mod tests {
    use super::utc;

    #[test]
    fn passwords_stay_out_of_tickets() {
        use super::without_password as w;
        assert_eq!(
            w("postgres://fox:rahasia@db:5432/q"),
            "postgres://fox@db:5432/q"
        );
        assert_eq!(w("postgres://fox@db/q"), "postgres://fox@db/q");
        assert_eq!(w("sqlite:/tmp/a:b@c.db"), "sqlite:/tmp/a:b@c.db");
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400.0), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_795_000_000.0), "2026-11-18T11:06:40Z");
    }
}
