//! libFuzzer target: [`seam::fuzz::references`] on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seam::fuzz::references(data));
