import Health
import ServiceKit

await ServiceMain.run([HealthService.definition], program: "cx-health")
