//! Never losing work: automatic backups in IndexedDB, restoring from them, and persistent
//! storage. The rules (when a snapshot is due, which are kept, what a restore writes, which
//! backup repairs a value) are [`crate::core::backup`]'s; this module runs them.
//!
//! A restore writes the live keys and reloads the page, so the workspace loads the
//! restored corpus as it loads any stored one; what it replaces is backed up first.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::state::{AlertKind, SaveStatus, Workspace};
use crate::browser::backups::{BackupError, Backups};
use crate::browser::local_storage::{live_entries, LocalStorage};
use crate::browser::persist::{persist, persisted, Persistence};
use crate::core::backup::{
    admit, looks_damaged, newest_first, repair_notice, repairs, restore_plan, Admission, Fault,
    Reason, Repair, RestorePlan, Session, Snapshot, SnapshotMeta, POLICY,
};
use crate::core::storage::KeyValueStore;

/// How often the timer checks whether an interval snapshot is due.
const TICK_MS: u32 = 60_000;

/// The backups' state, shared through context.
#[derive(Clone, Copy)]
pub struct BackupState {
    open: RwSignal<bool>,
    /// Newest first.
    list: RwSignal<Vec<SnapshotMeta>>,
    persistence: RwSignal<Option<Persistence>>,
    repairs: RwSignal<Vec<Repair>>,
    /// The outcome of the last backup or restore, shown in the panel.
    status: RwSignal<Option<(AlertKind, String)>>,
    confirm: RwSignal<Option<SnapshotMeta>>,
    session: StoredValue<Session>,
    busy: StoredValue<bool>,
    tab: StoredValue<String>,
}

/// Let the browser handle input and paint.
async fn yield_now() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

fn time_of(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

fn size_of(units: usize) -> String {
    if units >= 1_000_000 {
        format!("{:.1} MB", units as f64 / 1e6)
    } else {
        format!("{} KB", units.div_ceil(1000))
    }
}

/// What the backup of `reason` did.
enum Taken {
    Stored,
    Unchanged,
    Nothing,
}

impl BackupState {
    fn new() -> Self {
        let tab = format!("{:06x}", (js_sys::Math::random() * 16f64.powi(6)) as u32);
        Self {
            open: RwSignal::new(false),
            list: RwSignal::new(Vec::new()),
            persistence: RwSignal::new(None),
            repairs: RwSignal::new(Vec::new()),
            status: RwSignal::new(None),
            confirm: RwSignal::new(None),
            session: StoredValue::new(Session::default()),
            busy: StoredValue::new(false),
            tab: StoredValue::new(tab),
        }
    }

    fn report(&self, kind: AlertKind, message: impl Into<String>) {
        self.status.set(Some((kind, message.into())));
    }

    /// Reload the list and look for live values a backup can repair. The snapshots
    /// themselves, which can be large, are read only when a live value looks damaged.
    async fn refresh(&self) -> Result<Vec<Repair>, BackupError> {
        let db = Backups::open().await?;
        let metas = db.list().await?;
        let _ = self.list.try_set(newest_first(&metas));
        let found = match live_entries().await {
            Ok(live) if !metas.is_empty() && looks_damaged(&live) => {
                repairs(&live, &db.all().await?)
            }
            _ => Vec::new(),
        };
        let _ = self.repairs.try_set(found.clone());
        Ok(found)
    }

    /// Snapshot the live keys, after saving what is pending. Nothing in localStorage is
    /// written, whatever happens to the backup.
    async fn take(&self, ws: Workspace, reason: Reason) -> Result<Taken, BackupError> {
        ws.flush();
        let live = live_entries().await.map_err(BackupError::Unavailable)?;
        if live.is_empty() {
            return Ok(Taken::Nothing);
        }
        yield_now().await;
        let snapshot = Snapshot::of(&live, js_sys::Date::now(), &self.tab.get_value(), reason);
        drop(live);
        yield_now().await;
        let db = Backups::open().await?;
        let existing = db.list().await?;
        let taken = match admit(&existing, &snapshot.meta, &POLICY) {
            Admission::Store { prune } => {
                db.add(&snapshot, &prune).await?;
                Taken::Stored
            }
            Admission::Unchanged => Taken::Unchanged,
            Admission::Stale => Taken::Nothing,
        };
        let list = db.list().await?;
        let _ = self.list.try_set(newest_first(&list));
        Ok(taken)
    }

    /// Take a snapshot unless one is being taken; report a failure once in the panel and
    /// as an alert.
    fn take_in_background(self, ws: Workspace, reason: Reason) {
        if self.busy.get_value() {
            return;
        }
        self.busy.set_value(true);
        self.session.update_value(|s| s.taken(js_sys::Date::now()));
        spawn_local(async move {
            let result = self.take(ws, reason).await;
            if self.busy.try_set_value(false).is_some() {
                return; // the app is gone
            }
            match result {
                Ok(Taken::Stored) => self.report(
                    AlertKind::Info,
                    format!("Backed up at {}.", time_of(js_sys::Date::now())),
                ),
                Ok(_) => {}
                Err(e) => {
                    let message = format!(
                        "No backup was made: {e}. Your corpus in local storage is untouched and \
                         still saved as you work; export it to keep a copy."
                    );
                    self.report(AlertKind::Error, message.clone());
                    ws.alerts.error(message);
                }
            }
        });
    }

    /// Write `plan` to localStorage, or nothing: a refused write puts back every key it
    /// had changed. Removals go first, so the writes have their room.
    fn write_plan(plan: &RestorePlan) -> Result<(), String> {
        let ls = LocalStorage::open().map_err(|e| e.to_string())?;
        let mut undo: Vec<(String, Option<String>)> = Vec::new();
        let mut result = Ok(());
        for key in &plan.remove {
            let old = ls.get(key).ok().flatten();
            if let Err(e) = ls.remove(key) {
                result = Err(e.to_string());
                break;
            }
            undo.push((key.clone(), old));
        }
        if result.is_ok() {
            for (key, value) in &plan.set {
                let old = ls.get(key).ok().flatten();
                if let Err(e) = ls.set(key, value) {
                    result = Err(e.to_string());
                    break;
                }
                undo.push((key.clone(), old));
            }
        }
        if result.is_err() {
            for (key, old) in undo.into_iter().rev() {
                let _ = match old {
                    Some(v) => ls.set(&key, &v),
                    None => ls.remove(&key),
                };
            }
        }
        result
    }

    /// Back up what is there now, write `plan`, and reload to open the result.
    async fn apply(&self, ws: Workspace, plan: RestorePlan, what: String) {
        if let Err(e) = self.take(ws, Reason::BeforeRestore).await {
            self.report(
                AlertKind::Error,
                format!(
                    "Nothing was restored: the corpus as it is now could not be backed up first \
                     ({e}). Export it, then try again."
                ),
            );
            return;
        }
        match Self::write_plan(&plan) {
            Ok(()) => {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
            }
            Err(e) => self.report(
                AlertKind::Error,
                format!("Nothing was restored from {what}: {e}. Storage is as it was."),
            ),
        }
    }

    async fn restore(&self, ws: Workspace, meta: SnapshotMeta) {
        let snapshot = match Backups::open().await {
            Ok(db) => db.get(&meta).await,
            Err(e) => Err(e),
        };
        let snapshot = match snapshot {
            Ok(s) => s,
            Err(e) => return self.report(AlertKind::Error, format!("Nothing was restored: {e}.")),
        };
        ws.flush();
        let live = match live_entries().await {
            Ok(live) => live,
            Err(e) => return self.report(AlertKind::Error, format!("Nothing was restored: {e}.")),
        };
        let plan = restore_plan(&live, &snapshot);
        if plan.is_empty() {
            return self.report(AlertKind::Info, "The corpus is already as in that backup.");
        }
        self.apply(
            ws,
            plan,
            format!("the backup of {}", time_of(meta.taken_at)),
        )
        .await;
    }

    async fn repair(&self, ws: Workspace, chosen: Vec<Repair>) {
        let plan = RestorePlan {
            set: chosen
                .iter()
                .map(|r| (r.key.clone(), r.value.clone()))
                .collect(),
            remove: Vec::new(),
        };
        self.apply(ws, plan, "the backups".into()).await;
    }
}

/// The snapshots' Restore buttons, newest first, and which of them has the focus.
fn snapshot_buttons() -> (Vec<web_sys::HtmlElement>, Option<usize>) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return (Vec::new(), None);
    };
    let list = doc
        .query_selector_all("#backups-panel .backup-list li button")
        .ok();
    let buttons: Vec<web_sys::HtmlElement> = list
        .map(|l| {
            (0..l.length())
                .filter_map(|i| l.item(i))
                .filter_map(|n| n.dyn_into().ok())
                .collect()
        })
        .unwrap_or_default();
    let active = doc.active_element();
    let at = buttons
        .iter()
        .position(|b| active.as_ref().is_some_and(|a| a.is_same_node(Some(b))));
    (buttons, at)
}

impl BackupState {
    /// Open or close the panel; opening moves the focus into it, closing back to its button.
    pub fn toggle(self) {
        self.open.update(|o| *o = !*o);
        if self.open.get_untracked() {
            spawn_local(async move {
                yield_now().await;
                super::keys::focus("#backups-panel button");
                if let Err(e) = self.refresh().await {
                    self.report(AlertKind::Error, format!("Backups are off: {e}."));
                }
            });
        } else {
            self.confirm.set(None);
            super::keys::focus("#backups-button");
        }
    }

    /// Move the focus to the next (older) or previous (newer) snapshot in the list.
    pub fn pick(&self, forward: bool) -> bool {
        let (buttons, at) = snapshot_buttons();
        if buttons.is_empty() {
            return false;
        }
        let next = match (at, forward) {
            (None, _) => 0,
            (Some(i), true) => (i + 1).min(buttons.len() - 1),
            (Some(i), false) => i.saturating_sub(1),
        };
        let _ = buttons[next].focus();
        true
    }

    /// Ask to restore the snapshot that has the focus (the newest when none has it).
    pub fn restore_picked(&self) -> bool {
        let (_, at) = snapshot_buttons();
        let Some(meta) = self
            .list
            .with_untracked(|l| l.get(at.unwrap_or(0)).cloned())
        else {
            return false;
        };
        self.confirm.set(Some(meta));
        spawn_local(async {
            yield_now().await;
            super::keys::focus("#backups-panel .backup-confirm button.primary");
        });
        true
    }

    pub fn back_up_now(self, ws: Workspace) {
        self.take_in_background(ws, Reason::Manual);
    }
}

/// Start the backups: find what a backup can repair, snapshot on the first edit and then
/// every interval of editing, and ask for persistent storage once the corpus has a
/// document.
pub fn install_backups(ws: Workspace) -> BackupState {
    let b = BackupState::new();
    provide_context(b);
    spawn_local(async move {
        let _ = b.persistence.try_set(Some(persisted().await));
        match b.refresh().await {
            Ok(found) if !found.is_empty() => {
                ws.alerts.push(AlertKind::Error, repair_notice(found.len()))
            }
            Ok(_) => {}
            Err(e) => b.report(AlertKind::Error, format!("Backups are off: {e}.")),
        }
    });
    // A save that completes is an edit that reached storage.
    Effect::new(move |previous: Option<SaveStatus>| {
        let now = ws.save_status().get();
        if previous == Some(SaveStatus::Saving) && now == SaveStatus::Saved {
            let due = b
                .session
                .try_update_value(|s| s.edited(js_sys::Date::now(), &POLICY))
                .flatten();
            if let Some(reason) = due {
                b.take_in_background(ws, reason);
            }
        }
        now
    });
    let tick = gloo::timers::callback::Interval::new(TICK_MS, move || {
        let due = b
            .session
            .try_with_value(|s| s.tick(js_sys::Date::now(), &POLICY))
            .flatten();
        if let Some(reason) = due {
            b.take_in_background(ws, reason);
        }
    });
    let tick = StoredValue::new_local(Some(tick));
    on_cleanup(move || {
        if let Some(Some(t)) = tick.try_update_value(Option::take) {
            t.cancel();
        }
    });
    // Persistent storage is asked for once the corpus has its first document.
    Effect::new(move |asked: Option<bool>| {
        let any = ws.corpus.index().with(|i| !i.is_empty());
        let asked = asked.unwrap_or(false);
        if any && !asked {
            spawn_local(async move {
                let _ = b.persistence.try_set(Some(persist().await));
            });
            return true;
        }
        asked
    });
    b
}

fn persistence_text(p: Option<Persistence>) -> (&'static str, &'static str) {
    match p {
        Some(Persistence::Granted) => (
            "Storage is persistent.",
            "The browser will not clear Loupe's data to free space; only you can, by clearing \
             this site's data.",
        ),
        Some(Persistence::Denied) => (
            "Storage is not persistent.",
            "The browser may clear Loupe's data, backups included, when the disk runs low \
             (Safari also after seven days without a visit). Export your corpus regularly; \
             bookmarking Loupe or installing it makes some browsers grant persistence.",
        ),
        Some(Persistence::Unsupported) => (
            "Persistent storage is not available here.",
            "This browser or page (some file:// pages) cannot ask for it: the data is kept \
             until the browser needs the space. Export your corpus regularly.",
        ),
        None => ("Checking whether storage is persistent…", ""),
    }
}

fn fault_label(f: Fault) -> &'static str {
    match f {
        Fault::Missing => "missing",
        Fault::Damaged => "damaged",
    }
}

#[component]
fn RepairList() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let b = expect_context::<BackupState>();
    move || {
        let found = b.repairs.get();
        (!found.is_empty()).then(|| {
            let all = found.clone();
            view! {
                <section class="backup-repairs" aria-label="Damaged or missing values" role="alert">
                    <p>"These stored values are damaged or missing; a backup has each of them:"</p>
                    <ul>
                        {found.into_iter().map(|r| {
                            let label = format!("{} is {}: restore it from the backup of {}",
                                r.what, fault_label(r.fault), time_of(r.from.taken_at));
                            let one = r.clone();
                            view! {
                                <li>
                                    <span>{format!("{} ({}) · backup of {}", r.what, fault_label(r.fault), time_of(r.from.taken_at))}</span>
                                    <button type="button" aria-label=label
                                        on:click=move |_| {
                                            let one = one.clone();
                                            spawn_local(async move { b.repair(ws, vec![one]).await });
                                        }>"Restore"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <button type="button" class="primary" on:click=move |_| {
                        let all = all.clone();
                        spawn_local(async move { b.repair(ws, all).await });
                    }>"Restore all of them"</button>
                </section>
            }
        })
    }
}

#[component]
fn BackupList() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let b = expect_context::<BackupState>();
    let confirm_view = move || {
        let meta = b.confirm.get()?;
        let when = time_of(meta.taken_at);
        let docs = ws.corpus.index().with(Vec::len);
        Some(view! {
            <div class="backup-confirm" role="alertdialog" aria-labelledby="backup-confirm-text">
                <p id="backup-confirm-text">{meta.restore_question(docs, &when)}</p>
                <div class="exchange-actions">
                    <button type="button" class="primary" on:click=move |_| {
                        let meta = meta.clone();
                        b.confirm.set(None);
                        spawn_local(async move { b.restore(ws, meta).await });
                    }>"Restore this backup"</button>
                    <button type="button" on:click=move |_| b.confirm.set(None)>"Cancel"</button>
                </div>
            </div>
        })
    };
    view! {
        <h3 class="backups-heading">"Backups"</h3>
        {move || {
            let list = b.list.get();
            if list.is_empty() {
                return view! {
                    <p class="muted">{format!("None yet. Loupe backs up on the first edit of a session, \
                        then every {} minutes of editing, and keeps the last {}.",
                        POLICY.every_ms / 60_000.0, POLICY.keep)}</p>
                }.into_any();
            }
            view! {
                <ol class="backup-list">
                    {list.into_iter().map(|meta| {
                        let when = time_of(meta.taken_at);
                        let label = format!("Restore the backup of {when}");
                        let text = format!("{when} · {} · {} · {}",
                            meta.reason.label(), meta.counts(), size_of(meta.units));
                        view! {
                            <li>
                                <span>{text}</span>
                                <button type="button" aria-label=label aria-keyshortcuts="R"
                                    title="Restore this backup (R); ↑/↓ pick another"
                                    on:click=move |_| b.confirm.set(Some(meta.clone()))>"Restore…"</button>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        {confirm_view}
    }
}

/// The top bar's Backups button and its panel.
#[component]
pub fn BackupsMenu() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let b = expect_context::<BackupState>();
    let button = NodeRef::<html::Button>::new();
    // Esc cancels a restore being confirmed, then closes the panel.
    let close = move |e: ev::KeyboardEvent| {
        if e.key() == "Escape" {
            e.stop_propagation();
            if b.confirm.get_untracked().is_some() {
                b.confirm.set(None);
                super::keys::focus("#backups-panel .backup-list li button");
                return;
            }
            b.open.set(false);
            if let Some(el) = button.get_untracked() {
                let _ = el.focus();
            }
        }
    };
    view! {
        <div class="exchange backups">
            <button type="button" id="backups-button" node_ref=button aria-haspopup="dialog"
                aria-controls="backups-panel" aria-keyshortcuts="B"
                title="Backups, autosave and persistent storage (B)"
                aria-expanded=move || b.open.get().to_string() on:click=move |_| b.toggle()>"Backups"</button>
            <Show when=move || b.open.get()>
                <section id="backups-panel" class="exchange-panel backups-panel" role="dialog"
                    aria-label="Backups" on:keydown=close>
                    <p class="persistence">
                        <strong>{move || persistence_text(b.persistence.get()).0}</strong>
                        " "
                        {move || persistence_text(b.persistence.get()).1}
                    </p>
                    <RepairList/>
                    <super::autosave::AutosaveSection/>
                    <BackupList/>
                    <div class="exchange-actions">
                        <button type="button" aria-keyshortcuts="S" title="Back up now (S)"
                            on:click=move |_| b.back_up_now(ws)>"Back up now"</button>
                    </div>
                    {move || b.status.get().map(|(kind, message)| view! {
                        <p class="backup-status" role=match kind { AlertKind::Error => "alert", AlertKind::Info => "status" }>
                            {message}
                        </p>
                    })}
                </section>
            </Show>
        </div>
    }
}
