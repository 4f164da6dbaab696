import Advocacy
import Testing

// The advocacy service's tests land with its issue.
