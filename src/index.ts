/** The Probot entry point (`probot run ./lib/index.js`): webhook events go to the review queue. */
import { createApp } from "./app/app.js";

export { createApp };
export default createApp();
