//! Who is online: one WebSocket per device at `GET /sim/connect`. A user is online while at
//! least one of their sockets is open, and every open socket of a targeted user receives the
//! message frame. Each socket has its own unbounded mpsc queue, so a slow reader never blocks
//! the sender's HTTP call (this is a test tool; its peers are expected to read).
//!
//! Multi-device rule: `P2PResult.DevicePlatform` is the platform of the user's most recently
//! connected device that is still open (the vendor reports one platform per user).

use crate::tracker::Tracker;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;
use tokio::sync::{mpsc, watch};

/// A device platform, as the vendor names it in `DevicePlatform`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// `Android`.
    Android,
    /// `IOS`.
    Ios,
    /// `Web`.
    Web,
}

impl Platform {
    /// The vendor's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Android => "Android",
            Self::Ios => "IOS",
            Self::Web => "Web",
        }
    }

    /// Parses `Android`, `IOS` or `Web`, ignoring case.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Android, Self::Ios, Self::Web]
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
    }
}

struct Device {
    id: u64,
    platform: Platform,
    tx: mpsc::UnboundedSender<Utf8Bytes>,
}

/// The registry of open sockets by (AppId, UserId), devices in connection order.
pub struct Presence {
    devices: Mutex<HashMap<(i32, i64), Vec<Device>>>,
    next_id: AtomicU64,
    connections: AtomicUsize,
    shutdown: watch::Sender<bool>,
}

impl Default for Presence {
    fn default() -> Self {
        Self {
            devices: Mutex::default(),
            next_id: AtomicU64::new(1),
            connections: AtomicUsize::new(0),
            shutdown: watch::Sender::new(false),
        }
    }
}

impl Presence {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(i32, i64), Vec<Device>>> {
        self.devices.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a device; the returned queue receives the frames meant for it.
    fn register(
        &self,
        app: i32,
        user: i64,
        platform: Platform,
    ) -> (u64, mpsc::UnboundedReceiver<Utf8Bytes>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let id = self.next_id.fetch_add(1, Relaxed);
        self.lock()
            .entry((app, user))
            .or_default()
            .push(Device { id, platform, tx });
        self.connections.fetch_add(1, Relaxed);
        (id, rx)
    }

    fn unregister(&self, app: i32, user: i64, id: u64) {
        let mut map = self.lock();
        if let Some(list) = map.get_mut(&(app, user)) {
            list.retain(|d| d.id != id);
            if list.is_empty() {
                map.remove(&(app, user));
            }
        }
        self.connections.fetch_sub(1, Relaxed);
    }

    /// Queues `frame` on every open device of the user. Returns the platform of the most
    /// recently connected device that took it and how many devices did, or `None` if offline.
    pub fn deliver(&self, app: i32, user: i64, frame: &Utf8Bytes) -> Option<(Platform, u64)> {
        let map = self.lock();
        let mut latest = None;
        let mut count = 0;
        for d in map.get(&(app, user))? {
            if d.tx.send(frame.clone()).is_ok() {
                latest = Some(d.platform);
                count += 1;
            }
        }
        latest.map(|p| (p, count))
    }

    /// Distinct users online.
    pub fn online_users(&self) -> usize {
        self.lock().len()
    }

    /// Open sockets.
    pub fn connections(&self) -> usize {
        self.connections.load(Relaxed)
    }

    /// Closes every socket (server shutdown) with 1001 "going away".
    pub fn close_all(&self) {
        self.shutdown.send_replace(true);
    }

    /// Serves one device's socket until either side closes it.
    pub async fn run_socket(
        &self,
        mut socket: WebSocket,
        app: i32,
        user: i64,
        platform: Platform,
        tracker: Tracker,
    ) {
        let _guard = tracker.guard();
        let mut shutdown = self.shutdown.subscribe();
        let (id, mut rx) = self.register(app, user, platform);
        // Registered before the hello goes out: a client that saw hello is online.
        let hello = json!({"type": "hello", "AppId": app, "UserId": user.to_string(), "Platform": platform.as_str()});
        let mut open = socket
            .send(Message::Text(hello.to_string().into()))
            .await
            .is_ok();
        while open && !*shutdown.borrow() {
            tokio::select! {
                frame = rx.recv() => match frame {
                    Some(text) => open = socket.send(Message::Text(text)).await.is_ok(),
                    None => open = false,
                },
                incoming = socket.recv() => match incoming {
                    // Pings are answered by the WebSocket layer; other client frames are ignored.
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => open = false,
                    Some(Ok(_)) => {}
                },
                _ = shutdown.changed() => {
                    let _ = socket.send(Message::Close(Some(CloseFrame {
                        code: 1001,
                        reason: "simulator shutting down".into(),
                    }))).await;
                    open = false;
                }
            }
        }
        self.unregister(app, user, id);
    }
}
