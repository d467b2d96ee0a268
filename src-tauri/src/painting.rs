//! How the web view paints on Linux. WebKitGTK paints through OpenGL by default; on a machine
//! without a GPU (a virtual machine, a remote desktop) Mesa emulates OpenGL on the CPU, and
//! painting through that emulation is several times slower than Skia's own CPU rasterizer: on
//! such a machine the portfolio's first frame took ~100 ms longer. So where the system offers no
//! GPU, the web view paints on the CPU. A choice already made in the environment always wins.

use std::ffi::OsString;
use std::path::Path;

/// WebKitGTK's switch to Skia's CPU rasterizer, read by each web process as it starts.
const CPU_PAINTING_ENV: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";
/// Mesa's switch to its software OpenGL.
const SOFTWARE_GL_ENV: &str = "LIBGL_ALWAYS_SOFTWARE";
/// Where Linux lists GPUs that can render (`renderD128`, …).
const RENDER_NODES: &str = "/dev/dri";

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Painting {
    /// WebKit's default, or what the environment asked for.
    AsConfigured,
    /// No GPU: the web view paints on the CPU.
    CpuWithoutGpu,
}

/// Chooses for this machine and sets the environment the web processes will read. Call before
/// any other thread starts (first thing at start-up): the environment is process-wide.
pub fn choose_for_this_machine() -> Painting {
    if !cfg!(target_os = "linux") {
        return Painting::AsConfigured;
    }
    let painting = choose(|name| std::env::var_os(name), Path::new(RENDER_NODES));
    if painting == Painting::CpuWithoutGpu {
        // The environment is the only way to tell WebKit's web processes, which inherit it; no
        // other thread exists yet to read it concurrently.
        #[allow(clippy::disallowed_methods)]
        std::env::set_var(CPU_PAINTING_ENV, "1");
    }
    painting
}

fn choose(env: impl Fn(&str) -> Option<OsString>, render_nodes: &Path) -> Painting {
    if env(CPU_PAINTING_ENV).is_some() {
        return Painting::AsConfigured;
    }
    let software_gl = env(SOFTWARE_GL_ENV).is_some_and(|value| value != "0");
    if software_gl || !has_render_node(render_nodes) {
        Painting::CpuWithoutGpu
    } else {
        Painting::AsConfigured
    }
}

fn has_render_node(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from(value))
        }
    }

    fn machine(nodes: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for node in nodes {
            std::fs::write(dir.path().join(node), b"").unwrap();
        }
        dir
    }

    #[test]
    fn a_gpu_keeps_webkits_default() {
        let gpu = machine(&["card0", "renderD128"]);
        assert_eq!(choose(env_of(&[]), gpu.path()), Painting::AsConfigured);
    }

    #[test]
    fn no_gpu_paints_on_the_cpu() {
        let display_only = machine(&["card0"]);
        assert_eq!(
            choose(env_of(&[]), display_only.path()),
            Painting::CpuWithoutGpu
        );
        let missing = display_only.path().join("dri");
        assert_eq!(choose(env_of(&[]), &missing), Painting::CpuWithoutGpu);
    }

    #[test]
    fn forced_software_gl_paints_on_the_cpu() {
        let gpu = machine(&["renderD128"]);
        let software = env_of(&[(SOFTWARE_GL_ENV, "1")]);
        assert_eq!(choose(software, gpu.path()), Painting::CpuWithoutGpu);
        let not_forced = env_of(&[(SOFTWARE_GL_ENV, "0")]);
        assert_eq!(choose(not_forced, gpu.path()), Painting::AsConfigured);
    }

    #[test]
    fn the_users_own_choice_wins() {
        let no_gpu = machine(&[]);
        let gpu_anyway = env_of(&[(CPU_PAINTING_ENV, "0")]);
        assert_eq!(choose(gpu_anyway, no_gpu.path()), Painting::AsConfigured);
    }
}
