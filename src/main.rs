//! Entry point: on wasm, install the panic hook and mount the app (not in the training
//! worker); natively, the `loupe` command-line tool.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        // The same wasm also runs in the training worker (browser::trainer), which has no
        // document to mount on.
        if web_sys::window().is_some() {
            leptos::mount::mount_to_body(loupe::ui::App);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    loupe::cli::main();
}
