//! Opaque `long` handles for native state. Handles index a registry instead
//! of being raw pointers, so a stale or doubled `close` is harmless and a
//! use after close is an ordinary error, never undefined behaviour.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use once_cell::sync::Lazy;
use tdconnect_core::TdError;

pub struct Registry<T> {
    next: AtomicI64,
    items: Lazy<Mutex<HashMap<i64, Arc<T>>>>,
}

impl<T> Registry<T> {
    pub const fn new() -> Self {
        Registry {
            next: AtomicI64::new(1),
            items: Lazy::new(|| Mutex::new(HashMap::new())),
        }
    }

    fn map(&self) -> MutexGuard<'_, HashMap<i64, Arc<T>>> {
        // The map itself is never left half-updated, so a poisoned lock
        // (a panic elsewhere while holding it) is still safe to use.
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn insert(&self, item: T) -> i64 {
        let handle = self.next.fetch_add(1, Ordering::Relaxed);
        self.map().insert(handle, Arc::new(item));
        handle
    }

    pub fn get(&self, handle: i64) -> Result<Arc<T>, TdError> {
        self.map()
            .get(&handle)
            .cloned()
            .ok_or_else(|| TdError::fatal(format!("native handle {handle} is closed or unknown")))
    }

    /// Removes and returns the item; `None` when already closed.
    pub fn remove(&self, handle: i64) -> Option<Arc<T>> {
        self.map().remove(&handle)
    }
}

/// Locks one item; a panic during an earlier call leaves it unusable.
pub fn lock<T>(item: &Mutex<T>) -> Result<MutexGuard<'_, T>, TdError> {
    item.lock().map_err(|_| {
        TdError::fatal("native state was poisoned by an earlier panic; restart the task")
    })
}
