//! The binary: the ready line, port 0, SIGTERM/SIGINT exit 0, bad configs exit 2.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn start(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_volc-im-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

fn wait_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    for _ in 0..500 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    panic!("the simulator did not exit");
}

#[tokio::test]
async fn prints_one_ready_line_and_stops_on_signals() {
    for signal in ["-TERM", "-INT"] {
        let (mut child, line) = start(&["--listen", "127.0.0.1:0", "--quiet"]);
        let addr = line
            .trim_end()
            .strip_prefix("volc-im-sim listening on http://")
            .unwrap_or_else(|| panic!("ready line: {line:?}"))
            .to_owned();
        let port: u16 = addr.strip_prefix("127.0.0.1:").unwrap().parse().unwrap();
        assert_ne!(port, 0);
        let r = crate::common::send(
            addr.parse().unwrap(),
            "GET",
            "/sim/stats",
            &[("Host".into(), addr.clone())],
            b"",
        )
        .await
        .unwrap();
        assert_eq!(r.status, 200);
        let ok = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let status = wait_exit(&mut child);
        assert_eq!(status.code(), Some(0), "{signal}");
    }
}

#[test]
fn a_bad_config_exits_2() {
    let path = std::env::temp_dir().join(format!("volc-im-sim-bad-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"credentials":[]}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_volc-im-sim"))
        .args(["--listen", "127.0.0.1:0", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let unknown = Command::new(env!("CARGO_BIN_EXE_volc-im-sim"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}
