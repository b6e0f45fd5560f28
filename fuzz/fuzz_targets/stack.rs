// Shared by every target: run the body on a thread with the stack the scan
// gives analysis (`offsite_detect::ANALYSIS_STACK_SIZE`), so a recursion
// that would overflow the scan overflows here too (and one that the scan
// survives does not), instead of on libFuzzer's main-thread stack.
//
// One long-lived worker thread takes the inputs in turn: spawning a 256 MiB
// thread per input would cost more than most inputs. A panic or overflow on
// the worker aborts the process, which libFuzzer records as a crash with
// its input.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

struct Worker {
    jobs: Sender<Job>,
    done: Receiver<()>,
}

static WORKER: OnceLock<Mutex<Worker>> = OnceLock::new();

pub fn run(data: &[u8], body: fn(&[u8])) {
    let data = data.to_vec();
    let worker = WORKER.get_or_init(|| {
        let (jobs, inbox) = channel::<Job>();
        let (finished, done) = channel();
        std::thread::Builder::new()
            .name("fuzz-analysis".into())
            .stack_size(offsite_detect::ANALYSIS_STACK_SIZE)
            .spawn(move || {
                for job in inbox {
                    job();
                    if finished.send(()).is_err() {
                        return;
                    }
                }
            })
            .expect("spawning the analysis thread");
        Mutex::new(Worker { jobs, done })
    });
    let worker = worker.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    worker
        .jobs
        .send(Box::new(move || body(&data)))
        .expect("the analysis thread is gone");
    worker.done.recv().expect("the analysis thread died");
}
