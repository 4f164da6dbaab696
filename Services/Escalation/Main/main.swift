import Escalation
import ServiceKit

await ServiceMain.run([EscalationService.definition], program: "cx-escalation")
