/*
 * metrics.h - the Prometheus text exposition of a running daemon, rendered
 * (pure) from the status and stats objects of the control protocol
 * (control.h), so the numbers an operator scrapes are exactly the ones
 * failoverctl status/stats shows.
 */
#ifndef FAILOVERD_METRICS_H
#define FAILOVERD_METRICS_H

struct json_object;

/*
 * Returns a malloc'd Prometheus text (format 0.0.4) or NULL on allocation
 * failure. Metrics (labels in braces):
 *   failoverd_info{node,version} 1
 *   failoverd_instance_state{instance,state} 1 for the current state, 0 for the others
 *   failoverd_instance_priority{instance}            configured
 *   failoverd_instance_effective_priority{instance}
 *   failoverd_instance_maintenance{instance}         0/1
 *   failoverd_instance_last_transition_seconds{instance}  seconds in state
 *   failoverd_adverts_sent_total{instance}
 *   failoverd_adverts_received_total{instance}
 *   failoverd_transitions_total{instance}
 *   failoverd_garps_sent_total{instance}
 *   failoverd_rx_errors_total{interface,family,reason}
 *   failoverd_tracker_up{instance,tracker,kind}      1 up, 0 down, 0.5 degraded
 */
char *metrics_render(const struct json_object *status, const struct json_object *stats);

#endif
