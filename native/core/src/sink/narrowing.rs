//! Narrowing a refused write down to the first record TDengine refuses.
//!
//! A call refused for its data is halved until the first refused item is
//! found; items before it are written, nothing after it is attempted. A
//! code known to be about data ([`TdError::Rejected`]) blames that record at
//! once. Any other refusal ([`TdError::Refused`]) blames a record only with
//! proof that the server accepts other records: some write of this call went
//! through, or the items after it do. A server that refuses every record
//! alike (a condition of its own, whatever its code) is reported as a
//! retriable failure, so the whole batch waits instead of going to the dead
//! letter queue record by record.

use crate::error::{TdError, TdResult};

/// A unit of a write that belongs to one record (a line, a prepared row).
pub trait HasRecord {
    fn record(&self) -> usize;
}

/// Lone refusals without proof, at the head of a call, after which the
/// server is taken to refuse everything.
const UNPROVEN_LIMIT: usize = 8;

/// Writes the items; on a refusal, finds the first refused item and returns
/// its record's data error (items before it written). Other errors pass.
pub fn write_narrowing<T: HasRecord>(
    put: &dyn Fn(&[T]) -> TdResult<()>,
    items: &[T],
) -> TdResult<usize> {
    let mut proof = false;
    match narrow(put, items, &mut proof)? {
        Narrowed::Written(n) => Ok(n),
        Narrowed::Blamed { at, error } => settle(put, items, at, error, proof),
    }
}

enum Narrowed {
    Written(usize),
    /// `items[at]` was refused alone; everything before it is written.
    Blamed {
        at: usize,
        error: TdError,
    },
}

fn narrow<T: HasRecord>(
    put: &dyn Fn(&[T]) -> TdResult<()>,
    items: &[T],
    proof: &mut bool,
) -> TdResult<Narrowed> {
    match put(items) {
        Ok(()) => {
            *proof |= !items.is_empty();
            Ok(Narrowed::Written(items.len()))
        }
        Err(e) if e.is_refusal() => {
            if items.len() <= 1 {
                return Ok(Narrowed::Blamed { at: 0, error: e });
            }
            let (left, right) = items.split_at(items.len() / 2);
            match narrow(put, left, proof)? {
                Narrowed::Written(n) => match narrow(put, right, proof)? {
                    Narrowed::Written(m) => Ok(Narrowed::Written(n + m)),
                    Narrowed::Blamed { at, error } => Ok(Narrowed::Blamed { at: n + at, error }),
                },
                blamed => Ok(blamed),
            }
        }
        Err(other) => Err(other),
    }
}

/// Turns a lone refusal of `items[at]` into that record's data error, once
/// it is proven to be the record's fault: a code known to be about data, an
/// earlier write of this call that went through, or a later one that does.
fn settle<T: HasRecord>(
    put: &dyn Fn(&[T]) -> TdResult<()>,
    items: &[T],
    at: usize,
    error: TdError,
    mut proof: bool,
) -> TdResult<usize> {
    let blame = |e: TdError| Err(TdError::data(items[at].record(), e.to_string()));
    if matches!(error, TdError::Rejected(_)) || proof {
        return blame(error);
    }
    let mut start = at + 1;
    let mut unproven = 1;
    while start < items.len() {
        match narrow(put, &items[start..], &mut proof)? {
            Narrowed::Written(_) => return blame(error),
            // A refusal for a data reason also shows the server reads records.
            Narrowed::Blamed { error: e, .. } if proof || matches!(e, TdError::Rejected(_)) => {
                return blame(error)
            }
            Narrowed::Blamed { at: next, .. } => {
                unproven += 1;
                start += next + 1;
            }
        }
        if unproven >= UNPROVEN_LIMIT && start < items.len() {
            // Last chance before calling it the server's: the batch's last item.
            if put(&items[items.len() - 1..]).is_ok() {
                return blame(error);
            }
            return Err(TdError::Retriable(format!(
                "TDengine refuses every record alike (the first {unproven} each alone, and the \
                 last), taken as a condition of the server, not of the records: {error}"
            )));
        }
    }
    // Nothing left to compare with: the record is refused on its own.
    blame(error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    struct Item(usize, &'static str);
    impl HasRecord for Item {
        fn record(&self) -> usize {
            self.0
        }
    }

    /// Refuses calls containing "BAD" (Rejected) or "ODD" (Refused); everything
    /// when `all` says so. Records what it wrote.
    struct Server {
        written: RefCell<Vec<usize>>,
        calls: RefCell<usize>,
        refuse_all: bool,
    }

    impl Server {
        fn new(refuse_all: bool) -> Self {
            Server {
                written: RefCell::new(Vec::new()),
                calls: RefCell::new(0),
                refuse_all,
            }
        }
        fn put(&self, items: &[Item]) -> TdResult<()> {
            *self.calls.borrow_mut() += 1;
            if self.refuse_all {
                return Err(TdError::Refused("disk quota".into()));
            }
            if items.iter().any(|i| i.1 == "BAD") {
                return Err(TdError::Rejected("SML_INVALID_DATA".into()));
            }
            if items.iter().any(|i| i.1 == "ODD") {
                return Err(TdError::Refused("[0x9999] new code".into()));
            }
            self.written.borrow_mut().extend(items.iter().map(|i| i.0));
            Ok(())
        }
    }

    fn items(kinds: &[&'static str]) -> Vec<Item> {
        kinds.iter().enumerate().map(|(i, k)| Item(i, k)).collect()
    }

    #[test]
    fn a_clean_call_is_one_put() {
        let s = Server::new(false);
        let n = write_narrowing(&|i: &[Item]| s.put(i), &items(&["a", "b", "c"])).unwrap();
        assert_eq!((n, *s.calls.borrow()), (3, 1));
    }

    #[test]
    fn the_first_bad_record_is_found_and_everything_before_it_written() {
        let s = Server::new(false);
        let mut kinds = vec!["ok"; 1000];
        kinds[637] = "BAD";
        kinds[900] = "BAD";
        let err = write_narrowing(&|i: &[Item]| s.put(i), &items(&kinds)).unwrap_err();
        assert!(matches!(err, TdError::Data { index: 637, .. }), "{err:?}");
        let written = s.written.borrow();
        assert!((0..637).all(|i| written.contains(&i)));
        assert!(*s.calls.borrow() < 40, "{} calls", s.calls.borrow());
    }

    #[test]
    fn an_unknown_code_is_narrowed_too() {
        let s = Server::new(false);
        let mut kinds = vec!["ok"; 100];
        kinds[40] = "ODD";
        let err = write_narrowing(&|i: &[Item]| s.put(i), &items(&kinds)).unwrap_err();
        assert!(matches!(err, TdError::Data { index: 40, .. }), "{err:?}");
    }

    #[test]
    fn an_unknown_code_on_the_first_record_is_blamed_once_the_rest_goes_through() {
        let s = Server::new(false);
        let mut kinds = vec!["ok"; 50];
        kinds[0] = "ODD";
        let err = write_narrowing(&|i: &[Item]| s.put(i), &items(&kinds)).unwrap_err();
        assert!(matches!(err, TdError::Data { index: 0, .. }), "{err:?}");
        assert!(s.written.borrow().contains(&49));
    }

    #[test]
    fn adjacent_odd_records_are_still_records() {
        let s = Server::new(false);
        let kinds = ["ODD", "ODD", "ok", "ok"];
        let err = write_narrowing(&|i: &[Item]| s.put(i), &items(&kinds)).unwrap_err();
        assert!(matches!(err, TdError::Data { index: 0, .. }), "{err:?}");
    }

    #[test]
    fn known_bad_records_after_an_odd_one_prove_the_server_reads_records() {
        let s = Server::new(false);
        let kinds = ["ODD", "BAD", "BAD", "ok"];
        let err = write_narrowing(&|i: &[Item]| s.put(i), &items(&kinds)).unwrap_err();
        assert!(matches!(err, TdError::Data { index: 0, .. }), "{err:?}");
    }

    #[test]
    fn a_server_refusing_everything_is_not_blamed_on_records() {
        let s = Server::new(true);
        let err = write_narrowing(&|i: &[Item]| s.put(i), &items(&["ok"; 1000])).unwrap_err();
        assert!(
            matches!(err, TdError::Retriable(ref m) if m.contains("every record")),
            "{err:?}"
        );
        assert!(*s.calls.borrow() < 120, "{} calls", s.calls.borrow());
    }

    #[test]
    fn other_errors_are_not_narrowed() {
        let down = |_: &[Item]| -> TdResult<()> { Err(TdError::Retriable("refused".into())) };
        assert!(matches!(
            write_narrowing(&down, &items(&["a", "b"])),
            Err(TdError::Retriable(_))
        ));
    }
}
