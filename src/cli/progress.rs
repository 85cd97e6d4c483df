//! The build's progress line: on a terminal, after a second, what stage a
//! long build is in and for how long, on stderr; erased when it ends.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use seam::site::Stage;

/// Shows what stage a long build is in, on a terminal, after a second.
pub(crate) struct Progress {
    stage: Arc<Mutex<Option<&'static str>>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts the line's thread when `enabled`; otherwise shows nothing.
    pub(crate) fn start(enabled: bool) -> Progress {
        let stage = Arc::new(Mutex::new(Some("starting")));
        let handle = enabled.then(|| {
            let stage = Arc::clone(&stage);
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut shown = false;
                loop {
                    std::thread::sleep(Duration::from_millis(100));
                    let Some(name) = *stage.lock().expect("progress lock") else {
                        break;
                    };
                    if started.elapsed() >= Duration::from_secs(1) {
                        eprint!("\r\x1b[2K  {name}… {:.1}s", started.elapsed().as_secs_f64());
                        let _ = std::io::stderr().flush();
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            })
        });
        Progress { stage, handle }
    }

    /// Names the stage the build has reached.
    pub(crate) fn set(&self, s: Stage) {
        let name = match s {
            Stage::Load => "reading documents",
            Stage::Check => "checking",
            Stage::Render => "rendering",
            Stage::Write => "writing",
        };
        *self.stage.lock().expect("progress lock") = Some(name);
    }

    /// Stops the line and erases it, before the build's own output.
    pub(crate) fn finish(mut self) {
        *self.stage.lock().expect("progress lock") = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
