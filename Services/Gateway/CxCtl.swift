import ArgumentParser

/// cxctl: the admin CLI of the Anchorage suite. It only speaks the protocol, so it works the same
/// against cx-suite on a laptop and against containers in a cluster.
@main
struct CxCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cxctl",
        abstract: "Administer the Anchorage customer-experience suite.",
        subcommands: [
            StatusCommand.self, CustomerCommand.self, HealthCommand.self, FeedbackCommand.self, LoyaltyCommand.self,
            AdvocacyCommand.self, EscalationCommand.self, AccountCommand.self, ReportCommand.self, EventsCommand.self,
            ImportCommand.self, DemoCommand.self, ConfigCommand.self,
            BackupCommand.self, RestoreCommand.self,
        ])
}
