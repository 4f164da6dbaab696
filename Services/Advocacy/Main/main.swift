import Advocacy
import ServiceKit

await ServiceMain.run([AdvocacyService.definition], program: "cx-advocacy")
