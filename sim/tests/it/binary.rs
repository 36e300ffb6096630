//! The binary: the ready line, port 0, SIGTERM/SIGINT exit 0, bad configs exit 2.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn start(args: &[&str]) -> (std::process::Child, String) {
    start_with_stderr(args, Stdio::null())
}

fn start_with_stderr(args: &[&str], stderr: Stdio) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_volc-im-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
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

/// A parent that reads the log slowly (or never) must not break requests: with stderr a full
/// non-blocking pipe, writes fail with EAGAIN, which `eprintln!` turned into a panic that
/// dropped the connection mid-request (seen as ERR_EMPTY_RESPONSE in Chromium).
#[cfg(unix)]
#[tokio::test]
async fn a_full_nonblocking_stderr_never_breaks_a_request() {
    use std::os::unix::net::UnixStream;
    let (child_end, _unread_end) = UnixStream::pair().unwrap();
    child_end.set_nonblocking(true).unwrap();
    let stderr = Stdio::from(std::os::fd::OwnedFd::from(child_end));
    let (mut child, line) = start_with_stderr(&["--listen", "127.0.0.1:0"], stderr);
    let addr = line
        .trim_end()
        .strip_prefix("volc-im-sim listening on http://")
        .unwrap()
        .to_owned();
    // Each unsigned call logs a ~130-byte line: 3000 of them overflow any socket buffer.
    for i in 0..3000 {
        let r = crate::common::send(
            addr.parse().unwrap(),
            "POST",
            "/?Action=P2PSendMessage&Version=2020-12-01",
            &[("Host".into(), addr.clone())],
            b"{}",
        )
        .await
        .unwrap_or_else(|e| panic!("request {i} failed: {e}"));
        assert_eq!(r.status, 401, "request {i}");
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert_eq!(wait_exit(&mut child).code(), Some(0));
}
