/** Files the runner writes into the run folder beside the playbook's own (kept out of the renderers so naming them loads no parser). */
export const CFN_PARAMETERS_FILE = 'cloudformation/escher-parameters.json';
export const ARM_PARAMETERS_FILE = 'arm/escher-parameters.json';
