//! Panics of third-party parsers turned into errors. calamine's .xls reader indexes past the end of its
//! sector buffer on some malformed compound files (found by the `xls_import` fuzz target): one bad upload
//! must fail with an error naming the file, not take down the request or the batch. Only calls wrapped
//! here are caught; a panic anywhere else is still a bug and still a panic.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static INSIDE: Cell<u32> = const { Cell::new(0) };
}

/// Whether the current thread is inside [`guarded`], whose panics become errors. A panic hook that treats
/// every panic as fatal (the fuzzer's) asks this to let those through to the `catch_unwind`.
pub fn panic_is_caught() -> bool {
    INSIDE.with(|n| n.get() > 0)
}

/// Runs `f`; a panic in it becomes `Err` with the panic's message. `f`'s state is dropped with the panic.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    INSIDE.with(|n| n.set(n.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    INSIDE.with(|n| n.set(n.get() - 1));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_is_an_error_and_the_flag_is_reset() {
        assert!(!panic_is_caught());
        let r: Result<(), String> = guarded(|| {
            assert!(panic_is_caught());
            panic!("slice index starts at 4096 but ends at 4076")
        });
        assert_eq!(
            r.unwrap_err(),
            "slice index starts at 4096 but ends at 4076"
        );
        assert!(!panic_is_caught());
        assert_eq!(guarded(|| 7), Ok(7));
    }
}
