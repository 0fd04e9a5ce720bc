import { GoToGateway as LiveGoToGateway } from "../sync/gateway";
import type { GoToLink } from "../sync/goto-env";
import { devGoTo } from "./goto";

/** GoToGateway of the development entry: the same object, reaching GoTo as GOTO_MODE says. */
export class GoToGateway extends LiveGoToGateway {
  protected override goto(): GoToLink {
    return devGoTo(this.env);
  }
}
