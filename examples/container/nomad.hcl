# Nomad, docker driver: fortress init is PID 1 in the container. kill_timeout is the time
# between kill_signal and SIGKILL; fortress init's default stop takes 18 s at most.
job "fortress-demo" {
  datacenters = ["dc1"]

  group "app" {
    task "init" {
      driver       = "docker"
      kill_signal  = "SIGTERM"
      kill_timeout = "30s"

      config {
        image = "fortress-demo:latest"
        # Nomad's own init (tini) would sit in front of ours: leave it out.
        init = false
        # The services' state is linked to /run/fortress (fortress init --prepare in the image).
        readonly_rootfs = true
        mount {
          type   = "tmpfs"
          target = "/run/fortress"
          tmpfs_options {
            size = 16777216
          }
        }
      }

      env {
        FORTRESS_KILL_GRACETIME = "3000"
      }

      # Script checks run in the container and need Consul as the service provider.
      service {
        name     = "fortress-demo"
        provider = "consul"

        check {
          name     = "ticker up"
          type     = "script"
          command  = "svwait"
          args     = ["-u", "-T", "2000", "/service/ticker"]
          interval = "10s"
          timeout  = "2s"
        }
      }
    }
  }
}
