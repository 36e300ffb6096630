//! Counts live tasks (HTTP connections, WebSockets) so shutdown can wait until they end.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// A cloneable counter of live tasks.
#[derive(Clone, Debug, Default)]
pub struct Tracker(Arc<(AtomicUsize, Notify)>);

/// Held by a live task; dropping it marks the task done.
#[derive(Debug)]
pub struct Guard(Tracker);

impl Tracker {
    /// Marks one more task live until the guard drops.
    pub fn guard(&self) -> Guard {
        self.0 .0.fetch_add(1, Ordering::SeqCst);
        Guard(self.clone())
    }

    /// Waits until no task is live.
    pub async fn wait_idle(&self) {
        loop {
            let notified = self.0 .1.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.0 .0.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.0 .0 .0.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0 .0 .1.notify_waiters();
        }
    }
}
