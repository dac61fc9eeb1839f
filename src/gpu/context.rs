//! Instance, adapter, device and queue.
//!
//! Adapter choice: a hardware GPU when one exists (discrete before
//! integrated), otherwise the CPU rasteriser (Mesa's lavapipe on Vulkan, or
//! llvmpipe through GL). `--backend` or `ANIM_BACKEND` restrict the search to
//! one API; the choice is never silent: `anim -v` prints the adapter.

use std::sync::{Arc, Mutex};

use std::fmt;

/// Which graphics API to look for adapters on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// Vulkan first, then GL; hardware adapters before software ones.
    #[default]
    Auto,
    Vulkan,
    Gl,
}

impl BackendChoice {
    /// The names `--backend` and `ANIM_BACKEND` take, in order.
    pub const NAMES: [&'static str; 3] = ["auto", "vulkan", "gl"];

    /// Reads `ANIM_BACKEND` (`auto`, `vulkan`, `gl`, any case; empty is
    /// `auto`); `None` when unset.
    pub fn from_env() -> Result<Option<BackendChoice>, GpuError> {
        match std::env::var("ANIM_BACKEND") {
            Ok(v) if v.is_empty() => Ok(Some(BackendChoice::Auto)),
            Ok(v) => v.parse().map(Some).map_err(|_| GpuError::BadEnv(v)),
            Err(_) => Ok(None),
        }
    }

    /// The wgpu backends this choice allows.
    pub fn backends(self) -> wgpu::Backends {
        match self {
            BackendChoice::Auto => wgpu::Backends::VULKAN | wgpu::Backends::GL,
            BackendChoice::Vulkan => wgpu::Backends::VULKAN,
            BackendChoice::Gl => wgpu::Backends::GL,
        }
    }
}

/// Parses a backend name (`auto`, `vulkan`, `gl`), in any case.
impl std::str::FromStr for BackendChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<BackendChoice, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(BackendChoice::Auto),
            "vulkan" => Ok(BackendChoice::Vulkan),
            "gl" => Ok(BackendChoice::Gl),
            _ => Err(format!(
                "{s:?} is not one of: {}",
                BackendChoice::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for BackendChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BackendChoice::Auto => "auto",
            BackendChoice::Vulkan => "vulkan",
            BackendChoice::Gl => "gl",
        })
    }
}

/// What can go wrong while setting up the GPU.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    /// No adapter on the requested backends: no driver installed.
    #[error(
        "no graphics adapter found for backend '{0}'.\n\
         hint: on a machine without a GPU install Mesa's software Vulkan driver:\n  \
         sudo apt-get install mesa-vulkan-drivers libvulkan1\n\
         (or run scripts/install-deps.sh); with a GPU, install its Vulkan driver"
    )]
    NoAdapter(BackendChoice),
    /// The adapter refused to create a device.
    #[error("the adapter '{adapter}' could not create a device: {source}")]
    Device {
        adapter: String,
        #[source]
        source: wgpu::RequestDeviceError,
    },
    /// `ANIM_BACKEND` holds something other than auto, vulkan or gl.
    #[error("ANIM_BACKEND={0:?} is not one of: auto, vulkan, gl")]
    BadEnv(String),
    /// Waiting for the GPU failed (device lost, timeout).
    #[error("the GPU stopped responding: {0}")]
    Poll(String),
    /// Reading a rendered frame back failed.
    #[error("could not read the frame back from the GPU: {0}")]
    Readback(String),
    /// The requested output is larger than the adapter can render in one texture.
    #[error("{width}x{height} exceeds this adapter's maximum texture size of {max} pixels per side")]
    TooLarge { width: u32, height: u32, max: u32 },
    /// wgpu refused an operation (a limit or feature this adapter lacks, or a bug in anim).
    #[error("the GPU driver refused an operation on '{adapter}': {message}")]
    Refused { adapter: String, message: String },
}

/// A ready device. Cheap to share by reference; create one per process.
pub struct GpuContext {
    pub instance: wgpu::Instance,
    pub adapter: wgpu::Adapter,
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    /// The first error wgpu reported outside an error scope, which by
    /// default would panic; [`GpuContext::check`] turns it into a `GpuError`.
    errors: Arc<Mutex<Option<String>>>,
}

/// Orders adapters: hardware first, then virtual, then CPU; Vulkan before GL at equal rank.
fn rank(info: &wgpu::AdapterInfo) -> (u8, u8) {
    let kind = match info.device_type {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Cpu => 3,
        wgpu::DeviceType::Other => 4,
    };
    let api = if info.backend == wgpu::Backend::Vulkan {
        0
    } else {
        1
    };
    (kind, api)
}

impl GpuContext {
    /// Opens the best adapter on `choice`'s backends, headless.
    ///
    /// `Auto` looks at Vulkan first and at GL only when Vulkan has no
    /// hardware adapter: initialising GL (EGL and Mesa's GL driver) costs
    /// ~12 MiB even when its adapter is not chosen.
    pub fn new(choice: BackendChoice) -> Result<GpuContext, GpuError> {
        let instance = |backends| {
            let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
            desc.backends = backends;
            wgpu::Instance::new(desc)
        };
        if choice != BackendChoice::Auto {
            return Self::with_instance(instance(choice.backends()), choice);
        }
        let vulkan = instance(wgpu::Backends::VULKAN);
        let best = |i: &wgpu::Instance, backends| {
            pollster::block_on(i.enumerate_adapters(backends))
                .iter()
                .map(|a| rank(&a.get_info()))
                .min()
        };
        let on_vulkan = best(&vulkan, wgpu::Backends::VULKAN);
        if on_vulkan.is_some_and(|(kind, _)| kind <= 1) {
            return Self::with_instance(vulkan, choice);
        }
        let gl = instance(wgpu::Backends::GL);
        match (on_vulkan, best(&gl, wgpu::Backends::GL)) {
            (Some(v), Some(g)) if g < v => Self::with_instance(gl, choice),
            (None, Some(_)) => Self::with_instance(gl, choice),
            _ => {
                drop(gl);
                Self::with_instance(vulkan, choice)
            }
        }
    }

    /// Opens the best adapter of an instance created by the caller (the
    /// preview window creates one that knows its display).
    pub fn with_instance(instance: wgpu::Instance, choice: BackendChoice) -> Result<GpuContext, GpuError> {
        let mut adapters = pollster::block_on(instance.enumerate_adapters(choice.backends()));
        adapters.sort_by_key(|a| rank(&a.get_info()));
        let adapter = adapters.into_iter().next().ok_or(GpuError::NoAdapter(choice))?;
        let info = adapter.get_info();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("anim"),
            required_features: wgpu::Features::empty(),
            required_limits: wgpu::Limits::downlevel_defaults().using_resolution(adapter.limits()),
            ..Default::default()
        }))
        .map_err(|source| GpuError::Device {
            adapter: info.name.clone(),
            source,
        })?;
        let errors = Arc::new(Mutex::new(None));
        let slot = Arc::clone(&errors);
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Ok(mut first) = slot.lock() {
                first.get_or_insert_with(|| e.to_string());
            }
        }));
        Ok(GpuContext {
            instance,
            adapter,
            device,
            queue,
            info,
            errors,
        })
    }

    /// One line for `-v`: name, type, backend, driver.
    pub fn describe(&self) -> String {
        format!(
            "{} ({:?}, {:?}, {} {})",
            self.info.name, self.info.device_type, self.info.backend, self.info.driver, self.info.driver_info
        )
    }

    /// Blocks until all submitted work has finished, then reports any error
    /// wgpu raised meanwhile ([`GpuContext::check`]).
    pub fn wait(&self) -> Result<(), GpuError> {
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map(|_| ())
            .map_err(|e| GpuError::Poll(e.to_string()))?;
        self.check()
    }

    /// The first error wgpu reported since the last check, if any.
    pub fn check(&self) -> Result<(), GpuError> {
        let first = self.errors.lock().ok().and_then(|mut e| e.take());
        match first {
            Some(message) => Err(GpuError::Refused {
                adapter: self.info.name.clone(),
                message: message.lines().map(str::trim).collect::<Vec<_>>().join(" "),
            }),
            None => Ok(()),
        }
    }
}
