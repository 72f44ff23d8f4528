fn main() -> std::process::ExitCode {
    aludel_cli::wrapper_main()
}
