#![no_main]

// Each target calls one function of the shared harness; the rest is used by the other targets.
#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::docx_import(data));
