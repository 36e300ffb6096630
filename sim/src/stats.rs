//! Counters behind `GET /sim/stats`, so tests can assert what the server saw without
//! scraping logs.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// Counts of OpenAPI calls since start or the last reset.
#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    deliveries: AtomicU64,
    frames: AtomicU64,
    throttled: AtomicU64,
    by_code: Mutex<BTreeMap<String, u64>>,
}

impl Stats {
    /// One OpenAPI call arrived.
    pub fn request(&self) {
        self.requests.fetch_add(1, Relaxed);
    }

    /// A call ended with `code` (`SUCCESS`, a vendor code, or `fault:KIND`).
    pub fn outcome(&self, code: &str) {
        if code == "FlowLimitExceeded" {
            self.throttled.fetch_add(1, Relaxed);
        }
        let mut map = self.by_code.lock().unwrap_or_else(|e| e.into_inner());
        match map.get_mut(code) {
            Some(n) => *n += 1,
            None => {
                map.insert(code.to_owned(), 1);
            }
        }
    }

    /// `users` receivers got the message (`SUCCESS` entries) over `frames` device frames.
    pub fn delivered(&self, users: u64, frames: u64) {
        self.deliveries.fetch_add(users, Relaxed);
        self.frames.fetch_add(frames, Relaxed);
    }

    /// Zeroes every counter.
    pub fn reset(&self) {
        for c in [
            &self.requests,
            &self.deliveries,
            &self.frames,
            &self.throttled,
        ] {
            c.store(0, Relaxed);
        }
        self.by_code
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The JSON for `GET /sim/stats`; `online` users and open `connections` are live values.
    pub fn snapshot(&self, online: usize, connections: usize) -> Value {
        let by_code = self
            .by_code
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        json!({
            "requests": self.requests.load(Relaxed),
            "deliveries": self.deliveries.load(Relaxed),
            "frames": self.frames.load(Relaxed),
            "throttled": self.throttled.load(Relaxed),
            "byCode": by_code,
            "online": online,
            "connections": connections,
        })
    }
}
