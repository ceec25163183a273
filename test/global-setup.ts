import { resolveEndpoints } from "../stores/services.ts";

/** Tests run against the real embedded services: start them once (or reuse them). */
export default async function setup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  await resolveEndpoints();
}
