//! The bound on extracted records waiting for the consumer.

use super::*;

/// Bytes of extracted records waiting for the consumer, bounded: a worker
/// waits in [`Budget::acquire`] until its file's records fit.
pub(super) struct Budget {
    used: Mutex<usize>,
    freed: Condvar,
    cap: usize,
}

impl Budget {
    pub(super) fn new(cap: usize) -> Budget {
        Budget {
            used: Mutex::new(0),
            freed: Condvar::new(),
            cap,
        }
    }

    /// Waits until `n` more bytes fit (or nothing is queued: a file bigger
    /// than the whole budget goes alone), then counts them.
    pub(super) fn acquire(&self, n: usize) {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        while *used > 0 && used.saturating_add(n) > self.cap {
            used = self
                .freed
                .wait(used)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *used = used.saturating_add(n);
    }

    /// Uncounts `n` bytes the consumer is done with.
    pub(super) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        *used = used.saturating_sub(n);
        drop(used);
        self.freed.notify_all();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn budget_holds_a_worker_back_until_the_consumer_releases() {
        let budget = Budget::new(10);
        budget.acquire(6);
        let got = AtomicBool::new(false);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                budget.acquire(6);
                got.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(Duration::from_millis(50));
            assert!(!got.load(Ordering::SeqCst), "6 + 6 bytes went over 10");
            budget.release(6);
            assert!(waiter.join().is_ok());
        });
        assert!(got.load(Ordering::SeqCst));
        budget.release(6);
        assert_eq!(
            *budget.used.lock().unwrap_or_else(PoisonError::into_inner),
            0
        );
    }

    #[test]
    fn budget_lets_a_file_bigger_than_itself_through_alone() {
        let budget = Budget::new(10);
        budget.acquire(1000);
        budget.release(1000);
        budget.acquire(3);
        budget.acquire(4);
        assert_eq!(
            *budget.used.lock().unwrap_or_else(PoisonError::into_inner),
            7
        );
    }
}
