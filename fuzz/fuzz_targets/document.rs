//! libFuzzer target: [`seam::fuzz::document`] on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seam::fuzz::document(data));
