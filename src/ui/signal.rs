//! [`Owned`]: a context's signal, written by the context, read by the views.

use std::ops::Deref;

use leptos::prelude::*;

/// An [`RwSignal`] with its read-only handle made once. `RwSignal::read_only` allocates
/// a new reactive node on every call, and a context's accessors are called on every
/// keypress (and from event handlers, where no owner ever frees the node).
pub struct Owned<T: 'static> {
    rw: RwSignal<T>,
    ro: ReadSignal<T>,
}

impl<T: Send + Sync + 'static> Owned<T> {
    pub fn new(value: T) -> Self {
        let rw = RwSignal::new(value);
        Self {
            rw,
            ro: rw.read_only(),
        }
    }

    /// The read-only handle the views get (the same one every time).
    pub fn read_only(&self) -> ReadSignal<T> {
        self.ro
    }
}

impl<T: 'static> Clone for Owned<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Owned<T> {}

impl<T: 'static> Deref for Owned<T> {
    type Target = RwSignal<T>;
    fn deref(&self) -> &RwSignal<T> {
        &self.rw
    }
}
