module faas-observability/tools/go-licences

go 1.22

require github.com/google/licensecheck v0.3.1
