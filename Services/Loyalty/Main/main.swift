import Loyalty
import ServiceKit

await ServiceMain.run([LoyaltyService.definition], program: "cx-loyalty")
