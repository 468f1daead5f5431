/** The fix/check agreement, shared with `npm run fix:consistency` (tools/fix/agreement.ts). */
export { checkFixAgreement, type Agreement } from "../../tools/fix/agreement.js";
