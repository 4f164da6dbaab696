import Escalation
import Testing

// The escalation service's tests land with its issue.
