// The single-object and list data sources every kind gets (longer than most
// files: both share one reading of the object and the list's filters).

package kinds

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// DataSource reads one object of a kind.
type DataSource struct {
	kind *Kind
	cfg  *Config
}

// NewDataSource returns the single-object data source constructor of a kind.
func NewDataSource(k *Kind) func() datasource.DataSource {
	return func() datasource.DataSource { return &DataSource{kind: k} }
}

func (d *DataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.kind.TypeName
}

func (d *DataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.kind.dataSourceSchema()
}

func (d *DataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.cfg = ProviderConfig(req.ProviderData, &resp.Diagnostics)
}

func (d *DataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, ok := Begin(ctx, d.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	var name, namespace types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &name)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("namespace"), &namespace)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns := namespace.ValueString()
	if namespace.IsNull() {
		ns = d.kind.namespace(d.cfg)
	}
	api := d.kind.objects(d.cfg)
	u, err := api.Get(ctx, ns, name.ValueString())
	if kube.IsObjectNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), d.kind.Kind+" Not Found",
			fmt.Sprintf("There is no %s %q in namespace %q.", d.kind.Kind, name.ValueString(), ns))
		return
	}
	if err != nil {
		summary, detail := d.cfg.Client.Explain(err, api.Target("get", ns, name.ValueString()))
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	vals, err := d.kind.dataValues(u)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected "+d.kind.Kind+" Content", fmt.Sprintf("%s %s/%s does not match the schema this "+
			"provider version knows: %v.", d.kind.Kind, u.GetNamespace(), u.GetName(), err))
		return
	}
	resp.State.Raw = tftypes.NewValue(req.Config.Raw.Type(), vals)
}

// ListDataSource lists objects of a kind.
type ListDataSource struct {
	kind *Kind
	cfg  *Config
}

// NewListDataSource returns the list data source constructor of a kind
// (hedgehog_<ListTypeName>).
func NewListDataSource(k *Kind) func() datasource.DataSource {
	return func() datasource.DataSource { return &ListDataSource{kind: k} }
}

func (d *ListDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.kind.ListTypeName
}

func (d *ListDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	k := d.kind
	var attrs string
	for _, a := range k.objectAttrs() {
		attrs += fmt.Sprintf("`%s`, ", a.Name)
	}
	attributes := map[string]dschema.Attribute{
		"namespace": dschema.StringAttribute{Optional: true, Validators: []validator.String{DNSLabel(),
			stringvalidator.ConflictsWith(path.MatchRoot("all_namespaces"))},
			MarkdownDescription: "The namespace to list. Defaults to " + k.namespaceDoc() + "; conflicts with `all_namespaces`."},
		"all_namespaces": dschema.BoolAttribute{Optional: true,
			MarkdownDescription: "List every namespace (needs the right to list " + k.Plural + " cluster-wide). Default `false`."},
		"label_selector": dschema.StringAttribute{Optional: true, Validators: []validator.String{selector{labels: true}},
			MarkdownDescription: "A Kubernetes label selector, such as `site=ams1,tier in (prod)`."},
		"field_selector": dschema.StringAttribute{Optional: true, Validators: []validator.String{selector{}},
			MarkdownDescription: "A Kubernetes field selector; custom resources support `metadata.name` and `metadata.namespace`."},
		"names": dschema.ListAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: "The names of the objects found, sorted (by namespace, then name)."},
		k.ListTypeName: k.itemsAttribute(attrs),
	}
	for _, f := range k.ListFilters {
		attributes[f.Name] = dschema.StringAttribute{Optional: true, Validators: f.String, MarkdownDescription: f.Description}
	}
	resp.Schema = dschema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists %s objects, in one namespace or in all, optionally narrowed by label and field "+
			"selectors%s. Pagination is followed to the end.", k.Kind, k.filtersDoc()),
		Attributes: attributes,
	}
}

// filtersDoc names the kind's list filters for the list data source's
// description.
func (k *Kind) filtersDoc() string {
	if len(k.ListFilters) == 0 {
		return ""
	}
	names := make([]string, len(k.ListFilters))
	for i, f := range k.ListFilters {
		names[i] = "`" + f.Name + "`"
	}
	return " and by " + strings.Join(names, ", ")
}

// listSelector joins the label selector the configuration gives with the
// terms of the list filters that are set (by filter name).
func (k *Kind) listSelector(given string, values map[string]string) string {
	terms := []string{}
	if given != "" {
		terms = append(terms, given)
	}
	for _, f := range k.ListFilters {
		if v, ok := values[f.Name]; ok {
			terms = append(terms, f.Selector(v))
		}
	}
	return strings.Join(terms, ",")
}

func (d *ListDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.cfg = ProviderConfig(req.ProviderData, &resp.Diagnostics)
}

func (d *ListDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, ok := Begin(ctx, d.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	var namespace, labelSel, fieldSel types.String
	var all types.Bool
	for name, target := range map[string]any{"namespace": &namespace, "label_selector": &labelSel, "field_selector": &fieldSel, "all_namespaces": &all} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), target)...)
	}
	filters := map[string]string{}
	for _, f := range d.kind.ListFilters {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(f.Name), &v)...)
		if !v.IsNull() {
			filters[f.Name] = v.ValueString()
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	selector := d.kind.listSelector(labelSel.ValueString(), filters)
	if _, err := labels.Parse(selector); err != nil {
		resp.Diagnostics.AddError("Invalid List Filter", fmt.Sprintf("The label selector %q built from label_selector and the "+
			"filters is not valid: %v.", selector, err))
		return
	}
	ns := d.kind.namespace(d.cfg)
	switch {
	case all.ValueBool():
		ns = ""
	case !namespace.IsNull():
		ns = namespace.ValueString()
	}
	api := d.kind.objects(d.cfg)
	items, err := api.List(ctx, ns, metav1.ListOptions{LabelSelector: selector, FieldSelector: fieldSel.ValueString()})
	if err != nil {
		summary, detail := d.cfg.Client.Explain(err, api.Target("list", ns, ""))
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].GetNamespace() != items[j].GetNamespace() {
			return items[i].GetNamespace() < items[j].GetNamespace()
		}
		return items[i].GetName() < items[j].GetName()
	})
	names := make([]tftypes.Value, 0, len(items))
	objs := make([]tftypes.Value, 0, len(items))
	types := make([]tftypes.Type, 0, len(items))
	for _, u := range items {
		names = append(names, tftypes.NewValue(tftypes.String, u.GetName()))
		vals, err := d.kind.dataValues(u)
		if err != nil {
			resp.Diagnostics.AddError("Unexpected "+d.kind.Kind+" Content", fmt.Sprintf("%s %s/%s does not match the schema this "+
				"provider version knows: %v.", d.kind.Kind, u.GetNamespace(), u.GetName(), err))
			return
		}
		t := tftypes.Type(objectType(d.kind.objectAttrs()))
		if d.kind.freeForm {
			attrTypes := make(map[string]tftypes.Type, len(vals))
			for k, v := range vals {
				if v.Type().Is(tftypes.DynamicPseudoType) {
					// Inside a dynamic value every type must be concrete.
					v = tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, nil)
					vals[k] = v
				}
				attrTypes[k] = v.Type()
			}
			t = tftypes.Object{AttributeTypes: attrTypes}
		}
		objs, types = append(objs, tftypes.NewValue(t, vals)), append(types, t)
	}
	found := tftypes.NewValue(tftypes.List{ElementType: objectType(d.kind.objectAttrs())}, objs)
	if d.kind.freeForm {
		found = tftypes.NewValue(tftypes.Tuple{ElementTypes: types}, objs)
	}
	out := map[string]tftypes.Value{
		"namespace":         tftypes.NewValue(tftypes.String, nilIfEmpty(namespace)),
		"all_namespaces":    tftypes.NewValue(tftypes.Bool, boolOrNil(all)),
		"label_selector":    tftypes.NewValue(tftypes.String, nilIfEmpty(labelSel)),
		"field_selector":    tftypes.NewValue(tftypes.String, nilIfEmpty(fieldSel)),
		"names":             tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, names),
		d.kind.ListTypeName: found,
	}
	for _, f := range d.kind.ListFilters {
		v, ok := filters[f.Name]
		out[f.Name] = tftypes.NewValue(tftypes.String, nil)
		if ok {
			out[f.Name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	resp.State.Raw = tftypes.NewValue(req.Config.Raw.Type(), out)
}

func nilIfEmpty(s types.String) any {
	if s.IsNull() {
		return nil
	}
	return s.ValueString()
}

func boolOrNil(b types.Bool) any {
	if b.IsNull() {
		return nil
	}
	return b.ValueBool()
}

type selector struct{ labels bool }

func (s selector) Description(context.Context) string {
	if s.labels {
		return "must be a Kubernetes label selector (key=value, key!=value, key in (a,b), key notin (a), key, !key; comma-separated)"
	}
	return "must be a Kubernetes field selector (field=value, field!=value; comma-separated)"
}
func (s selector) MarkdownDescription(ctx context.Context) string { return s.Description(ctx) }

func (s selector) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var err error
	if s.labels {
		_, err = labels.Parse(req.ConfigValue.ValueString())
	} else {
		_, err = fields.ParseSelector(req.ConfigValue.ValueString())
	}
	if err != nil {
		resp.Diagnostics.Append(diag.NewAttributeErrorDiagnostic(req.Path, "Invalid Selector",
			fmt.Sprintf("Attribute %s: %q %s: %v", req.Path, req.ConfigValue.ValueString(), s.Description(ctx), err)))
	}
}

// itemsAttribute holds the objects a list data source found: a typed list,
// or a dynamic value when free-form attributes may differ from one object to
// the next.
func (k *Kind) itemsAttribute(attrs string) dschema.Attribute {
	k.ResourceSchema() // settles k.freeForm
	if k.freeForm {
		return dschema.DynamicAttribute{Computed: true,
			MarkdownDescription: fmt.Sprintf("The objects found, in the order of `names`: a list of objects with the attributes %s"+
				"as in the `hedgehog_%s` data source. (A dynamic value because the free-form attributes may differ from "+
				"one object to the next.)", attrs, k.TypeName)}
	}
	return dschema.ListNestedAttribute{Computed: true,
		MarkdownDescription: fmt.Sprintf("The objects found, in the order of `names`, each with the attributes of the "+
			"`hedgehog_%s` data source.", k.TypeName),
		NestedObject: dschema.NestedAttributeObject{Attributes: dataSourceAttrs(k.objectAttrs())}}
}
