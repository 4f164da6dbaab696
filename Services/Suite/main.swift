import Advocacy
import Escalation
import Feedback
import Health
import Loyalty
import ServiceKit

// cx-suite: the five services in one process, each on its own sockets and database under one data
// directory (--data-dir, CX_DATA_DIR, or ~/.local/share/anchorage).
await ServiceMain.run(
    [
        FeedbackService.definition, LoyaltyService.definition, AdvocacyService.definition,
        EscalationService.definition, HealthService.definition,
    ], program: "cx-suite")
