//! libFuzzer target: [`seam::fuzz::pipeline`] on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seam::fuzz::pipeline(data));
