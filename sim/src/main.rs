//! `volc-im-sim`: run the simulator on a local port.
//!
//! Prints exactly one line, `volc-im-sim listening on http://HOST:PORT`, once it accepts
//! connections (scripts wait for it and read the real port when `--listen` used port 0), and
//! exits 0 after a graceful shutdown on SIGINT or SIGTERM.

use std::io::Write;
use std::process::ExitCode;
use volc_im_sim::{serve, Config, Options};

const USAGE: &str =
    "usage: volc-im-sim [--listen HOST:PORT] [--config FILE] [--allow-faults] [--quiet]

  --listen HOST:PORT  address to listen on (default 127.0.0.1:8780; port 0 picks a free port)
  --config FILE       JSON configuration (default: the built-in one, see docs/simulator.md)
  --allow-faults      enable POST/DELETE /sim/faults
  --quiet             no per-request log lines on stderr";

struct Args {
    listen: String,
    config: Option<String>,
    options: Options,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut out = Args {
        listen: "127.0.0.1:8780".into(),
        config: None,
        options: Options::default(),
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--listen" => out.listen = value()?,
            "--config" => out.config = Some(value()?),
            "--allow-faults" => out.options.allow_faults = true,
            "--quiet" => out.options.log = false,
            "-h" | "--help" => return Ok(None),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok(Some(out))
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this is called
/// (not when the future is first polled), so a signal right after the ready line is caught.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let streams = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        match streams {
            (Some(mut term), Some(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        volc_im_sim::log_line!("volc-im-sim: shutting down");
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            volc_im_sim::log_line!("volc-im-sim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = match &args.config {
        None => Config::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| Config::from_json(&text))
        {
            Ok(c) => c,
            Err(e) => {
                volc_im_sim::log_line!("volc-im-sim: config {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            volc_im_sim::log_line!("volc-im-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(&args.listen).await {
            Ok(l) => l,
            Err(e) => {
                volc_im_sim::log_line!("volc-im-sim: cannot listen on {}: {e}", args.listen);
                return ExitCode::FAILURE;
            }
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => {
                volc_im_sim::log_line!("volc-im-sim: {e}");
                return ExitCode::FAILURE;
            }
        };
        let shutdown = shutdown_signal();
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "volc-im-sim listening on http://{addr}");
        let _ = stdout.flush();
        drop(stdout);
        match serve(listener, config, args.options, shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                volc_im_sim::log_line!("volc-im-sim: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn args() {
        let a = parse(&[]).unwrap().unwrap();
        assert_eq!(a.listen, "127.0.0.1:8780");
        assert!(!a.options.allow_faults && a.options.log);
        let a = parse(&[
            "--listen",
            "127.0.0.1:0",
            "--config=c.json",
            "--allow-faults",
            "--quiet",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            (a.listen.as_str(), a.config.as_deref()),
            ("127.0.0.1:0", Some("c.json"))
        );
        assert!(a.options.allow_faults && !a.options.log);
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--listen"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }
}
