//! Entry point: on wasm, install the panic hook and mount the app; natively, the `loupe`
//! command-line tool.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        leptos::mount::mount_to_body(loupe::ui::App);
    }
    #[cfg(not(target_arch = "wasm32"))]
    loupe::cli::main();
}
