//! Running work as soon as the browser has painted, with a bound.
//!
//! Saving an edit this way keeps it off the keypress-to-highlight path (the write of a
//! 1 MB document's annotations takes several milliseconds) while storing it within about
//! one frame: a tab that crashes or is torn down without unload events loses at most the
//! edits of its last frame.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The longest `after_paint` waits. Hidden pages get no animation frames at all, and a
/// busy or throttled one may get them late.
pub const LATEST_MS: u32 = 50;

/// A callback that runs at most once, whichever of its triggers comes first.
type Once = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// Run `f` once: right after the next paint, or after [`LATEST_MS`], whichever is first.
pub fn after_paint(f: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return f();
    };
    let once: Once = Rc::new(RefCell::new(Some(Box::new(f))));
    let runner = |once: Once| {
        move || {
            // Taken before the call, so `f` may schedule again.
            let f = once.borrow_mut().take();
            if let Some(f) = f {
                f();
            }
        }
    };
    let bound = Closure::once_into_js(runner(once.clone()));
    let timed = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        bound.unchecked_ref(),
        LATEST_MS as i32,
    );
    let fallback = runner(once.clone());
    let after = runner(once);
    // A frame callback runs just before the paint; a zero timeout queued from it runs just
    // after.
    let frame = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let next = Closure::once_into_js(after);
            let _ =
                w.set_timeout_with_callback_and_timeout_and_arguments_0(next.unchecked_ref(), 0);
        }
    });
    if window
        .request_animation_frame(frame.unchecked_ref())
        .is_err()
        && timed.is_err()
    {
        // Neither could be scheduled: run now rather than never.
        fallback();
    }
}
