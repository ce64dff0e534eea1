// SPDX-License-Identifier: GPL-2.0-only
/** Scheduler steps per second: tasks passing preemption points and sleeping. */
import { Scheduler } from '../framework/sim/scheduler.js';

export async function schedulerStepsPerSecond(totalSteps = 400_000): Promise<{ steps: number; seconds: number; stepsPerSecond: number }> {
  const sched = new Scheduler({ maxSteps: totalSteps * 2 });
  const tasks = 4;
  const per = Math.floor(totalSteps / tasks);
  for (let i = 0; i < tasks; i++) {
    sched.spawn(`bench/${i}`, 'kthread', async () => {
      for (let j = 0; j < per; j++) {
        if (j % 8 === 0) await sched.sleep(1);
        else await sched.preempt();
      }
    });
  }
  const t0 = process.hrtime.bigint();
  await sched.run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { steps: sched.stepCount, seconds, stepsPerSecond: sched.stepCount / seconds };
}

if (process.argv[1]?.endsWith('scheduler-steps.js')) {
  await schedulerStepsPerSecond(100_000);
  console.log(await schedulerStepsPerSecond());
}
