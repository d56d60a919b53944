//! The cdylib the Java shim loads. All natives of `io.tdconnect.jni.TdNative`
//! live in `entry.rs` (sink), `source_entry.rs` (source) and `validate_entry.rs` (validate()); `boundary.rs` is the one place where Rust errors and
//! panics become Java exceptions; `handles.rs` owns native state behind
//! opaque `long` handles.

mod boundary;
mod entry;
mod handles;
mod source_entry;
mod validate_entry;
