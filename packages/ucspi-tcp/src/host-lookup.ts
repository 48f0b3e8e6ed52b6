// DNS names for -h, -p and TCPLOCALHOST (only called when those options ask for them).
import { promises as dns } from 'node:dns';

/** The first PTR name of ip, or undefined. */
export async function reverseName(ip: string): Promise<string | undefined> {
  try {
    const names = await dns.reverse(ip);
    return names[0];
  } catch {
    return undefined;
  }
}

/** -p: the name is kept only if its addresses include ip. */
export async function nameMapsBack(name: string, ip: string): Promise<boolean> {
  try {
    const addresses = ip.includes(':') ? await dns.resolve6(name) : await dns.resolve4(name);
    return addresses.includes(ip);
  } catch {
    return false;
  }
}
