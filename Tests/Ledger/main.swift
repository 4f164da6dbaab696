import Foundation
import ServiceKit

let environment = ProcessInfo.processInfo.environment
let name = environment["LEDGER_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "ledger"
await ServiceMain.run(
    [LedgerService.definition(name: name, follow: environment["LEDGER_FOLLOW"])], program: "cx-test-ledger")
