import Feedback
import ServiceKit

await ServiceMain.run([FeedbackService.definition], program: "cx-feedback")
