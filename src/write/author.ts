import { userInfo } from "node:os";

/**
 * The author of what this process writes, as Gage's `sys_config.get_user` finds it
 * (`getpass.getuser()`): LOGNAME, USER, LNAME, USERNAME, else the account's name.
 */
export function osUser(env: NodeJS.ProcessEnv = process.env): string {
  for (const name of ["LOGNAME", "USER", "LNAME", "USERNAME"]) {
    const v = env[name];
    if (v) return v;
  }
  return userInfo().username;
}
