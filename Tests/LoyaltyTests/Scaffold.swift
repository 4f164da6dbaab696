import Loyalty
import Testing

// The loyalty service's tests land with its issue.
