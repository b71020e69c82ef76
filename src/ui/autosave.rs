//! Autosave to a file or folder the user chose (File System Access, Chromium): the
//! controls in the Backups panel and the triggers that write. When to write and what to
//! say is [`crate::core::autosave`]'s rule; the file handling is
//! [`crate::browser::autosave`]'s.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{SaveStatus, Workspace};
use crate::browser::autosave::{self as port, Handle, Permission};
use crate::browser::local_storage::live_entries;
use crate::core::autosave::{content, Autosave, Failure, Support, TargetKind, POLICY};

/// How often the timer asks whether a write is due.
const TICK_MS: u32 = 1_000;

/// Autosave's state, shared through context.
#[derive(Clone, Copy)]
pub struct AutosaveState {
    machine: RwSignal<Autosave>,
    handle: StoredValue<Option<Handle>, LocalStorage>,
    support: Support,
}

fn clock_time(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    String::from(date.to_locale_time_string("default"))
}

impl AutosaveState {
    /// Start writing to `handle` at once, and keep it for the next visit.
    fn start(&self, ws: Workspace, handle: Handle) {
        let target = handle.target.clone();
        self.handle.set_value(Some(handle.clone()));
        self.machine
            .update(|m| m.start(target, js_sys::Date::now()));
        port::mark_off(false);
        spawn_local(async move {
            if let Err(e) = port::remember(&handle).await {
                ws.alerts.info(format!(
                    "Autosave is on, but the browser could not keep the file's name for \
                         the next visit ({e}): choose it again after a reload."
                ));
            }
        });
        self.write_if_due(ws);
    }

    /// Let the user choose a file or folder; runs in the click or key handler. False when
    /// this browser cannot.
    pub fn choose(self, ws: Workspace, kind: TargetKind) -> bool {
        match (self.support, kind) {
            (Support::Available { .. }, TargetKind::File) => {}
            (Support::Available { folder: true }, TargetKind::Folder) => {}
            _ => return false,
        }
        spawn_local(async move {
            match port::pick(kind).await {
                Ok(Some(handle)) => self.start(ws, handle),
                Ok(None) => {}
                Err(f) => ws
                    .alerts
                    .error(format!("Autosave was not turned on: {}.", f.explain())),
            }
        });
        true
    }

    /// Ask the browser again for the remembered file; runs in the click or key handler.
    pub fn resume(self, ws: Workspace) {
        let Some(handle) = self.handle.get_value() else {
            return;
        };
        spawn_local(async move {
            match handle.request().await {
                Permission::Granted => self.start(ws, handle),
                _ => self
                    .machine
                    .update(|m| m.finished(js_sys::Date::now(), Err(Failure::PermissionRevoked))),
            }
        });
    }

    /// Turn autosave off and forget the file. False when none was chosen.
    pub fn stop(self) -> bool {
        if self.machine.with_untracked(|m| m.target().is_none()) {
            return false;
        }
        self.handle.set_value(None);
        self.machine.update(Autosave::stop);
        port::mark_off(true);
        spawn_local(async move {
            let _ = port::forget().await;
        });
        true
    }

    /// Whether Resume applies (tracked, for the views).
    pub fn resumable(&self) -> bool {
        self.machine.with(Autosave::can_resume)
    }

    /// Whether Resume applies, for the keys.
    pub fn can_resume(&self) -> bool {
        self.machine
            .try_with_untracked(Autosave::can_resume)
            .unwrap_or(false)
    }

    /// Begin a write when one is due. The corpus is read from storage as saved.
    fn write_if_due(self, ws: Workspace) {
        let now = js_sys::Date::now();
        let due = self
            .machine
            .try_with_untracked(|m| m.due(now, &POLICY))
            .unwrap_or(false);
        let Some(handle) = self.handle.try_get_value().flatten() else {
            return;
        };
        if !due {
            return;
        }
        ws.flush();
        self.machine.update(|m| m.begin(now));
        spawn_local(async move {
            let result = async {
                let live = live_entries().await.map_err(Failure::Other)?;
                Ok::<_, Failure>(content(&live))
            }
            .await;
            let outcome = match result {
                Ok(Err(hold)) => {
                    let _ = self.machine.try_update(|m| m.held(hold));
                    return;
                }
                Ok(Ok(c)) if !self.machine.with_untracked(|m| m.needs(&c)) => Ok(None),
                Ok(Ok(c)) => handle.write(&c.json).await.map(|()| Some(c.digest)),
                Err(f) => Err(f),
            };
            let failed = outcome.is_err();
            let _ = self
                .machine
                .try_update(|m| m.finished(js_sys::Date::now(), outcome));
            if failed {
                let text = self.machine.with_untracked(|m| m.status(clock_time).text);
                ws.alerts.error(text);
            }
        });
    }
}

/// Start autosave: resume the file kept from an earlier visit when the browser still
/// grants it (or show how to resume), and write after saves, on a timer, and when the
/// page is hidden or closed.
pub fn install_autosave(ws: Workspace) -> AutosaveState {
    let a = AutosaveState {
        machine: RwSignal::new(Autosave::default()),
        handle: StoredValue::new_local(None),
        support: port::support(),
    };
    provide_context(a);
    if !matches!(a.support, Support::Available { .. }) {
        return a;
    }
    spawn_local(async move {
        let Some(handle) = port::remembered().await else {
            return;
        };
        if handle.permission().await == Permission::Granted {
            a.start(ws, handle);
        } else {
            let target = handle.target.clone();
            ws.alerts.info(format!(
                "Autosave to {} is paused until you allow it again: press Shift+B, or Resume \
                 in Backups.",
                target.label()
            ));
            a.handle.set_value(Some(handle));
            let _ = a.machine.try_update(|m| m.remembered(target));
        }
    });
    Effect::new(move |previous: Option<SaveStatus>| {
        let now = ws.save_status().get();
        if previous == Some(SaveStatus::Saving) && now == SaveStatus::Saved {
            a.machine.update(|m| m.edited(js_sys::Date::now()));
        }
        now
    });
    let tick = gloo::timers::callback::Interval::new(TICK_MS, move || a.write_if_due(ws));
    let tick = StoredValue::new_local(Some(tick));
    let leave = move || {
        let _ = a.machine.try_update(Autosave::leaving);
        a.write_if_due(ws);
    };
    let hidden = window_event_listener_untyped("visibilitychange", move |_| {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
        if hidden {
            leave();
        }
    });
    let pagehide = window_event_listener_untyped("pagehide", move |_| leave());
    // Another tab's save is a change to the stored corpus too.
    let storage = window_event_listener(leptos::ev::storage, move |e| {
        if e.key()
            .is_some_and(|k| crate::core::backup::is_backed_up(&k))
        {
            let _ = a.machine.try_update(|m| m.edited(js_sys::Date::now()));
        }
    });
    on_cleanup(move || {
        if let Some(Some(t)) = tick.try_update_value(Option::take) {
            t.cancel();
        }
        hidden.remove();
        pagehide.remove();
        storage.remove();
    });
    a
}

/// The autosave part of the Backups panel.
#[component]
pub fn AutosaveSection() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let a = expect_context::<AutosaveState>();
    let body = move || match a.support {
        Support::Available { folder } => {
            let status = move || a.machine.with(|m| m.status(clock_time));
            let target = move || a.machine.with(|m| m.target().map(|t| t.name.clone()));
            view! {
                {move || {
                    let s = status();
                    view! {
                        <p class="autosave-status" class:error=s.error
                            role=if s.error { "alert" } else { "status" }>{s.text}</p>
                    }
                }}
                <div class="exchange-actions">
                    {move || a.resumable().then(|| {
                        let name = target().unwrap_or_default();
                        view! {
                            <button type="button" class="primary autosave-resume" aria-keyshortcuts="Shift+B"
                                title="Resume autosave (Shift+B)" on:click=move |_| a.resume(ws)>{format!("Resume autosave to {name}")}</button>
                        }
                    })}
                    <button type="button" class="autosave-choose" aria-keyshortcuts="A"
                        title="Choose a file to autosave the corpus to (A)"
                        on:click=move |_| { a.choose(ws, TargetKind::File); }>"Autosave to a file…"</button>
                    {folder.then(|| view! {
                        <button type="button" class="autosave-choose" aria-keyshortcuts="Shift+A"
                            title="Choose a folder to autosave the corpus to (Shift+A)"
                            on:click=move |_| { a.choose(ws, TargetKind::Folder); }>"Autosave to a folder…"</button>
                    })}
                    {move || target().is_some().then(|| view! {
                        <button type="button" aria-keyshortcuts="D" title="Turn autosave off (D)"
                            on:click=move |_| { a.stop(); }>"Turn autosave off"</button>
                    })}
                </div>
            }
            .into_any()
        }
        other => view! {
            <p class="autosave-unsupported">{other.why_not().unwrap_or_default()}</p>
        }
        .into_any(),
    };
    view! {
        <section class="autosave" aria-labelledby="autosave-heading">
            <h3 id="autosave-heading" class="backups-heading">"Autosave to a file"</h3>
            {body}
        </section>
    }
}
